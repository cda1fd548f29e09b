// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title FieldLib
/// @notice The BN254 scalar field, in which Groth16 public signals and Poseidon commitments live.
library FieldLib {
    /// @notice The BN254 (alt_bn128) scalar field modulus r
    /// (21888242871839275222246405745257275088548364400416034343698204186575808495617).
    uint256 internal constant SNARK_SCALAR_FIELD = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;

    /// @notice Whether `x` is a canonical field element (strictly below r).
    function isFieldElement(uint256 x) internal pure returns (bool) {
        return x < SNARK_SCALAR_FIELD;
    }
}
