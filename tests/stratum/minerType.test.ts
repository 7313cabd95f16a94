import { describe, expect, test } from "bun:test";
import { classifyMiner } from "../../src/stratum/minerType.ts";

describe("classifyMiner", () => {
  test.each([
    ["IceRiverMiner-v1.1", "iceriver", "bigheader"],
    ["BzMiner-v11.1.0", "bzminer", "bigheader"],
    ["Goldshell/2.2.1", "goldshell", "bigheader"],
    ["GodMiner/1.0", "bitmain", "words"],
    ["Antminer KS3", "bitmain", "words"],
    ["lolMiner 1.72", "other", "words"],
    ["SRBMiner-MULTI/1.0.8", "other", "words"],
    ["kaspa-miner/0.2.1", "other", "words"],
    ["", "other", "words"],
  ] as const)("%p is %p with %p jobs", (ua, family, encoding) => {
    const m = classifyMiner(ua, "auto");
    expect(m.family).toBe(family);
    expect(m.encoding).toBe(encoding);
    expect(m.bitmain).toBe(family === "bitmain");
    expect(m.minimalNotifications).toBe(family === "iceriver");
    expect(m.reportsWrongJobIds).toBe(family === "iceriver" || family === "bitmain");
  });

  test("the port encoding overrides the user agent", () => {
    expect(classifyMiner("lolMiner 1.72", "bigheader").encoding).toBe("bigheader");
    expect(classifyMiner("IceRiverMiner-v1.1", "words").encoding).toBe("words");
    expect(classifyMiner("IceRiverMiner-v1.1", "words").family).toBe("iceriver");
  });

  test("ASIC families are flagged for power-of-two difficulty", () => {
    expect(classifyMiner("IceRiverMiner", "auto").asic).toBe(true);
    expect(classifyMiner("GodMiner", "auto").asic).toBe(true);
    expect(classifyMiner("lolMiner 1.72", "auto").asic).toBe(false);
  });
});
