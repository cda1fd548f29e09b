/**
 * Role ids of the project's one AccessManager; they mirror `contracts/types/Roles.sol`.
 * ADMIN_ROLE (0) grants roles and wires functions; PUBLIC_ROLE lets anyone call.
 */
export const Roles = {
  ADMIN: 0n,
  GUARDIAN: 1n,
  TRUST_ADMIN: 2n,
  FEE_ADMIN: 3n,
  PUBLIC: 2n ** 64n - 1n,
} as const;

export type RoleName = Exclude<keyof typeof Roles, "PUBLIC">;

/** The name of a role id, e.g. `roleName(2n) === "TRUST_ADMIN"`; ids outside the project's set are `role <id>`. */
export function roleName(roleId: bigint): string {
  const entry = Object.entries(Roles).find(([, value]) => value === roleId);
  return entry ? entry[0] : `role ${roleId}`;
}

/**
 * Which restricted function of which contract each role may call: the one table the deployment modules wire into the
 * AccessManager (`setTargetFunctionRole`) and the deployment report (`hardhat roles`) reads back. Keys are contract
 * names; every signature not listed here is public on its contract (the AccessManager is consulted only by functions
 * marked `restricted`).
 */
export const RoleWiring = {
  ModelRegistry: {
    GUARDIAN: ["guardianRevokeArtifact(uint64,uint8)"],
  },
  AttesterRegistry: {
    TRUST_ADMIN: ["approveMeasurement(bytes32)", "registerEnclave(address,bytes32,uint8,uint64,bytes32,bytes)"],
    GUARDIAN: ["revokeMeasurement(bytes32)", "disableEnclave(address)", "guardianDeactivateNode(uint32)"],
  },
  VerifierRouter: {
    TRUST_ADMIN: ["addVerifier(address,uint8)", "addBatchVerifier(address,uint8)"],
    GUARDIAN: ["freezeVerifier(address)"],
  },
  TwinMarket: {
    FEE_ADMIN: [
      "setFee(uint8,uint256)",
      "queueFeeDestination(address)",
      "cancelFeeChange(uint8)",
      "applyFeeChange(uint8)",
    ],
  },
} as const satisfies Record<string, Partial<Record<RoleName, readonly string[]>>>;

export type WiredContract = keyof typeof RoleWiring;
