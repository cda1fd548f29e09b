// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title FieldLib
/// @notice The BN254 scalar field, in which Groth16 public signals and Poseidon commitments live.
library FieldLib {
    /// @notice The BN254 (alt_bn128) scalar field modulus r.
    uint256 internal constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257274088548364400416034343698204186575808495617;

    /// @notice Whether `x` is a canonical field element (strictly below r).
    function isFieldElement(uint256 x) internal pure returns (bool) {
        return x < SNARK_SCALAR_FIELD;
    }
}
