// The script-tag build's entry. The tracker itself (pageviews, SPA navigation, outbox, privacy
// signals) is built in its own issue; until then this entry exists so the build pipeline, the
// byte budget and the package layout are in place and checked.
export {};
