// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title UsdcStandIn
/// @notice TEST STAND-IN for Circle's USDC on Base Sepolia, which cannot exist on a local chain: it answers the
/// deployment preflight's questions as that token does (symbol "USDC", 6 decimals, the EIP-712 domain ("USDC", "2")
/// of its EIP-3009 authorizations, `authorizationState`) and holds nothing. It keeps no state and reads its chain id
/// and address at call time, so a rehearsal can place its runtime code at USDC's address (`hardhat_setCode`).
contract UsdcStandIn {
    /// @notice The token's name, which is also its EIP-712 domain name on Base Sepolia.
    function name() public pure returns (string memory) {
        return "USDC";
    }

    /// @notice The token's symbol.
    function symbol() external pure returns (string memory) {
        return "USDC";
    }

    /// @notice The EIP-712 domain version of USDC's EIP-3009 authorizations.
    function version() public pure returns (string memory) {
        return "2";
    }

    /// @notice USDC's decimals.
    function decimals() external pure returns (uint8) {
        return 6;
    }

    /// @notice The EIP-712 domain separator of ("USDC", "2") on this chain at this address.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                    keccak256(bytes(name())),
                    keccak256(bytes(version())),
                    block.chainid,
                    address(this)
                )
            );
    }

    /// @notice No authorization was ever used here.
    function authorizationState(address, bytes32) external pure returns (bool) {
        return false;
    }
}
