// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The subset of the Foundry-compatible cheatcodes that Hardhat 3's Solidity test runner (EDR) provides and
/// that Proofline's tests use.
/// @dev forge-std is not on the npm registry in a usable form (the only package there is an unofficial 2022 build
/// missing its ds-test dependency), so the tests declare the cheatcodes they call themselves.
interface Vm {
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function deal(address account, uint256 balance) external;
    function assume(bool condition) external pure;
    function expectRevert(bytes calldata revertData) external;
    function expectRevert(bytes4 revertSelector) external;
    function expectRevert() external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function label(address account, string calldata newLabel) external;
    function readFile(string calldata path) external view returns (string memory data);
    function getCode(string calldata artifactPath) external view returns (bytes memory creationBytecode);
    function parseJsonUint(string calldata json, string calldata key) external pure returns (uint256);
    function parseJsonBytes32(string calldata json, string calldata key) external pure returns (bytes32);
    function parseJsonBytes(string calldata json, string calldata key) external pure returns (bytes memory);
    function parseJsonString(string calldata json, string calldata key) external pure returns (string memory);
    function parseJsonBytes32Array(string calldata json, string calldata key) external pure returns (bytes32[] memory);
    function toString(uint256 value) external pure returns (string memory);
    function assertTrue(bool condition, string calldata error) external pure;
    function assertFalse(bool condition, string calldata error) external pure;
    function assertEq(uint256 left, uint256 right, string calldata error) external pure;
    function assertEq(bytes32 left, bytes32 right, string calldata error) external pure;
    function assertEq(address left, address right, string calldata error) external pure;
    function assertEq(bool left, bool right, string calldata error) external pure;
    function assertNotEq(uint256 left, uint256 right, string calldata error) external pure;
    function assertLe(uint256 left, uint256 right, string calldata error) external pure;
    function assertLt(uint256 left, uint256 right, string calldata error) external pure;
    function assertGe(uint256 left, uint256 right, string calldata error) external pure;
    function assertGt(uint256 left, uint256 right, string calldata error) external pure;
}

/// @notice A function selector set on a target contract, for invariant tests' `targetSelectors()`.
struct FuzzSelector {
    address addr;
    bytes4[] selectors;
}

/// @notice Base of Proofline's Solidity tests: the cheatcode handle and a uniform `bound`.
abstract contract ProoflineTest {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev Deploys the project's contract `artifact` ("File.sol:Name") from its compiled artifact, with the ABI-encoded
    /// constructor arguments `args`, and returns its address. The tests deploy the system's contracts this way and
    /// not with `new`: for every test contract that can `new` a contract, the IR pipeline compiles and optimizes that
    /// contract's code once more (the fixtures made the test build take minutes), and the artifact is the code that
    /// gets deployed anyway (under `--coverage`, the instrumented one).
    function _deployArtifact(string memory artifact, bytes memory args) internal returns (address deployed) {
        bytes memory code = bytes.concat(vm.getCode(artifact), args);
        // CREATE of raw bytecode has no Solidity form.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            deployed := create(0, add(code, 0x20), mload(code))
        }
        vm.assertTrue(deployed != address(0), string.concat("deploying ", artifact, " failed"));
    }

    /// @dev Maps `x` into [min, max] uniformly enough for fuzzing, keeping small values unchanged when in range.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        vm.assertLe(min, max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }
}
