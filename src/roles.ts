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
