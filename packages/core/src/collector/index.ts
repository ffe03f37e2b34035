export { clickIdKeys } from "./attribution.js";
export type { TrustProxy } from "./client-ip.js";
export {
  type CollectorContext,
  type CollectorErrorCode,
  type CollectorHandler,
  type CollectorOptions,
  type CollectorSite,
  createCollector,
  maxBodyBytes,
} from "./collector.js";
export {
  signIdentity,
  verifyIdentity,
} from "./identity.js";
export type { RateLimit } from "./limits.js";
export {
  type NodeListenerOptions,
  type NodeRequestLike,
  type NodeResponseLike,
  type NodeSocketLike,
  toNodeListener,
} from "./node.js";
