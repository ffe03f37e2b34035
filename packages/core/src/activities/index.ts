export {
  type Activity,
  type ActivityInput,
  ActivityService,
  type ActivityStatus,
} from "./service.js";
