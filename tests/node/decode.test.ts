// Decoders against the reply shapes in node-rpc.md §5, parsed the way the client parses them.

import { describe, expect, test } from "bun:test";
import { parseJson } from "../../src/common/json.ts";
import {
  decodeBlockDagInfo, decodeBlockTemplate, decodeServerInfo, decodeSubmitBlock, decodeUtxosByAddresses, decodeUtxosChanged,
  decodeTransactionReplacement, decodeVirtualChain, decodeVirtualDaaScore,
} from "../../src/node/decode.ts";

const ENTRY =
  '{"address":"kaspa:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9jkdskewva","outpoint":{"transactionId":"6ef1913d30316304254aa5ce6c34ff9dd2b519231bb80194d4b5e5449412e924","index":0},' +
  '"utxoEntry":{"amount":18446744073709551615,"scriptPublicKey":"000020dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659ac","blockDaaScore":474201337,"isCoinbase":true,"covenantId":null}}';

describe("decoders", () => {
  test("getBlockDagInfo: u64 counters as bigint, difficulty as a float", () => {
    const info = decodeBlockDagInfo(parseJson(
      '{"network":"mainnet","blockCount":123456,"headerCount":123457,"tipHashes":["aa"],"difficulty":1.2e15,"pastMedianTime":1782835190000,' +
      '"virtualParentHashes":["bb"],"pruningPointHash":"cc","virtualDaaScore":474201337,"sink":"dd"}',
    ));
    expect(info).toEqual({
      network: "mainnet", blockCount: 123456n, headerCount: 123457n, tipHashes: ["aa"], difficulty: 1.2e15, pastMedianTime: 1782835190000n,
      virtualParentHashes: ["bb"], pruningPointHash: "cc", virtualDaaScore: 474201337n, sink: "dd",
    });
  });

  test("getUtxosByAddresses and utxosChanged entries keep amounts exact", () => {
    const [entry] = decodeUtxosByAddresses(parseJson(`{"entries":[${ENTRY}]}`));
    expect(entry!.utxoEntry).toEqual({
      amount: 18446744073709551615n, scriptPublicKey: "000020dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659ac",
      blockDaaScore: 474201337n, isCoinbase: true, covenantId: null,
    });
    const change = decodeUtxosChanged(parseJson(`{"added":[],"removed":[${ENTRY}]}`));
    expect(change.added).toEqual([]);
    expect(change.removed[0]!.outpoint).toEqual({ transactionId: "6ef1913d30316304254aa5ce6c34ff9dd2b519231bb80194d4b5e5449412e924", index: 0 });
  });

  test("submitBlock reports", () => {
    expect(decodeSubmitBlock({ report: { type: "success" } })).toEqual({ accepted: true, rejectReason: null });
    expect(decodeSubmitBlock({ report: { type: "reject", reason: "isInIBD" } })).toEqual({ accepted: false, rejectReason: "isInIBD" });
    expect(() => decodeSubmitBlock({ report: { type: "maybe" } })).toThrow('report.type "maybe" is unknown');
  });

  test("the template is returned as the same object, unknown fields and all", () => {
    const params = parseJson('{"block":{"header":{"nonce":0,"x":1},"transactions":[],"y":2},"isSynced":false}') as { block: unknown };
    const out = decodeBlockTemplate(params);
    expect(out.block).toBe(params.block as never);
    expect(out.isSynced).toBe(false);
    expect(() => decodeBlockTemplate({ block: { header: {} }, isSynced: true })).toThrow("block.transactions is not a list");
  });

  test("u64 fields refuse strings, negatives and fractions; bad fields are named", () => {
    const info = { rpcApiVersion: 1, serverVersion: "2", networkId: "devnet", hasUtxoIndex: true, isSynced: true };
    expect(() => decodeServerInfo({ ...info, virtualDaaScore: "101" })).toThrow("virtualDaaScore is not an integer");
    expect(() => decodeServerInfo({ ...info, virtualDaaScore: -1 })).toThrow("virtualDaaScore is negative");
    expect(() => decodeServerInfo({ ...info, virtualDaaScore: 1.5 })).toThrow("virtualDaaScore is not an integer");
    expect(() => decodeServerInfo({ ...info, isSynced: 1, virtualDaaScore: 1 })).toThrow("isSynced is not a boolean");
    expect(() => decodeVirtualDaaScore(undefined)).toThrow("VirtualDaaScoreChanged is not an object");
  });

  test("getVirtualChainFromBlock: rusty-kaspa's shape, a missing list is malformed", () => {
    const reply = parseJson('{"removedChainBlockHashes":[],"addedChainBlockHashes":["aa"],"acceptedTransactionIds":[{"acceptingBlockHash":"aa","acceptedTransactionIds":["t1","t2"]}]}');
    expect(decodeVirtualChain(reply)).toEqual({
      removedChainBlockHashes: [], addedChainBlockHashes: ["aa"], acceptedTransactionIds: [{ acceptingBlockHash: "aa", acceptedTransactionIds: ["t1", "t2"] }],
    });
    expect(() => decodeVirtualChain(parseJson('{"removedChainBlockHashes":[],"addedChainBlockHashes":[]}'))).toThrow("acceptedTransactionIds is not a list");
  });

  test("submitTransactionReplacement: the replaced transaction keeps u64 values exact", () => {
    const reply = parseJson(
      '{"transactionId":"t","replacedTransaction":{"version":0,"inputs":[{"previousOutpoint":{"transactionId":"' + "ab".repeat(32) + '","index":1},' +
      '"signatureScript":"","sequence":18446744073709551615,"sigOpCount":1,"computeBudget":0,"verboseData":null}],' +
      '"outputs":[{"value":18446744073709551615,"scriptPublicKey":"000020' + "11".repeat(32) + 'ac","verboseData":null,"covenant":null}],' +
      '"lockTime":0,"subnetworkId":"' + "0".repeat(40) + '","gas":0,"payload":"","storageMass":9007199254740993,"mass":9007199254740993,"verboseData":null}}',
    );
    const { transactionId, replacedTransaction: r } = decodeTransactionReplacement(reply);
    expect(transactionId).toBe("t");
    expect(r.inputs[0]!.sequence).toBe(18446744073709551615n);
    expect(r.outputs[0]!.value).toBe(18446744073709551615n);
    expect(r.storageMass).toBe(9007199254740993n);
    expect(() => decodeTransactionReplacement({ transactionId: "t", replacedTransaction: { version: 0 } })).toThrow(/^replacedTransaction: /);
  });
});
