export { PowState } from "./state.ts";
