// The coinbase payload a node writes into its block template (kaspa-mining.md §5.1; rusty-kaspa
// consensus/src/processes/coinbase.rs serialize_coinbase_payload).

import { bytesToHex } from "../../common/hex.ts";
import { ByteWriter, splitScriptPublicKey } from "./encoding.ts";

/** Consensus limits on the coinbase payload and the script inside it (params.rs). */
const MAX_COINBASE_PAYLOAD_BYTES = 204;
const MAX_COINBASE_SCRIPT_BYTES = 150;

/** blue score u64 ‖ subsidy u64 ‖ script version u16 ‖ script length u8 ‖ script ‖ extra data, as hex. */
export function coinbasePayload(blueScore: bigint, subsidy: bigint, spkHex: string, extraData: Uint8Array): string {
  const { version, script } = splitScriptPublicKey(spkHex);
  if (script.length > MAX_COINBASE_SCRIPT_BYTES) throw new RangeError(`coinbase script is ${script.length} bytes, the limit is ${MAX_COINBASE_SCRIPT_BYTES}`);
  const payload = new ByteWriter().u64(blueScore).u64(subsidy).u16(version).u8(script.length).bytes(script).bytes(extraData).finish();
  if (payload.length > MAX_COINBASE_PAYLOAD_BYTES) {
    throw new RangeError(`coinbase payload is ${payload.length} bytes, the limit is ${MAX_COINBASE_PAYLOAD_BYTES}`);
  }
  return bytesToHex(payload);
}
