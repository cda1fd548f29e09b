/**
 * Argument checks shared by the tasks. Each fails with one line that names the option, says what it must be, and
 * shows what was given.
 */
import { getAddress, isAddress, isHexString } from "ethers";

import { Level, Route } from "../../../src/ledger.js";
import { fail } from "./failure.js";

/** A 32-byte value given as 0x + 64 hex digits. */
export function bytes32(value: string, what: string): string {
  if (isHexString(value, 32)) return value.toLowerCase();
  const got = value === "" ? "nothing" : `"${value}"`;
  const bytes = (value.length - 2) / 2;
  const length = isHexString(value) ? ` (${bytes} byte${bytes === 1 ? "" : "s"})` : "";
  fail(`${what} must be 32 bytes of hex (0x followed by 64 hex digits); got ${got}${length}`);
}

/** An inference id: 32 bytes, the answering node key's address in its first 20. */
export function inferenceId(value: string): string {
  return bytes32(value, "the inference id");
}

/** A whole number within [min, max]. */
export function whole(value: string | bigint, what: string, min = 0n, max = 2n ** 256n - 1n): bigint {
  const text = `${value}`.trim();
  if (!/^\d+$/.test(text)) fail(`${what} must be a whole number; got "${text}"`);
  const number = BigInt(text);
  if (number < min || number > max) fail(`${what} must be between ${min} and ${max}; got ${number}`);
  return number;
}

/** An artifact id or provider id (uint64, from 1). */
export function id64(value: string | bigint, what: string): bigint {
  return whole(value, what, 1n, 2n ** 64n - 1n);
}

/** A checksummed address. */
export function address(value: string, what: string): string {
  if (!isAddress(value)) fail(`${what} must be an address (0x followed by 40 hex digits); got "${value}"`);
  return getAddress(value);
}

const LEVELS: Record<string, Level> = { vanilla: Level.Vanilla, tee: Level.TEE, zkml: Level.ZKML, zk: Level.ZKML };

/** A claimed level: vanilla, tee or zkml. */
export function level(value: string, what = "--claim"): Level {
  const found = LEVELS[value.toLowerCase()];
  if (found === undefined) fail(`${what} must be vanilla, tee or zkml; got "${value}"`);
  return found;
}

/** A route: local (a registered artifact ran) or proxy (a named provider was called). */
export function route(value: string, what = "--route"): Route {
  const lower = value.toLowerCase();
  if (lower === "local") return Route.Local;
  if (lower === "proxy") return Route.Proxy;
  fail(`${what} must be local or proxy; got "${value}"`);
}

/** A comma-separated list of whole numbers within [0, max]. */
export function numberList(value: string, what: string, count: number, max: bigint): bigint[] {
  const parts = value.split(",").map((part) => part.trim());
  if (parts.length !== count || parts.some((part) => !/^\d+$/.test(part))) {
    fail(`${what} must be ${count} whole numbers separated by commas (e.g. 400,2,500,100); got "${value}"`);
  }
  return parts.map((part, i) => whole(part, `${what} value ${i + 1}`, 0n, max));
}

/** Seconds as people read them: `3600 s (1 h)`. */
export function duration(seconds: bigint): string {
  const s = Number(seconds);
  const human =
    s >= 86_400 && s % 3_600 === 0
      ? `${s / 86_400} d`
      : s >= 3_600
        ? `${Math.round((s / 3_600) * 10) / 10} h`
        : s >= 60
          ? `${Math.round((s / 60) * 10) / 10} min`
          : "";
  return human ? `${s} s (${human})` : `${s} s`;
}

/** A chain timestamp as an ISO date. */
export function at(timestamp: bigint): string {
  return new Date(Number(timestamp) * 1000).toISOString().replace(".000Z", "Z");
}
