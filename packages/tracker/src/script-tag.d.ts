// The types of `@crmkit/tracker/crmkit.js`, the script-tag build: loading it starts the tracker,
// configured by the `data-*` attributes of its <script> tag, and replays the calls queued on
// `window.crmkit` before it loaded. As a module it exports nothing; importing it (from a bundler,
// for its effect) is typed as such.
export {};
