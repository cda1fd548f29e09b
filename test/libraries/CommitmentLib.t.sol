// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommitmentLib} from "../../contracts/libraries/CommitmentLib.sol";
import {InputKind, OutputKind, OutputPart, Provenance} from "../../contracts/types/CommitmentTypes.sol";
import {ProoflineTest} from "../utils/ProoflineTest.sol";

/// @notice CommitmentLib against the shared vectors in test/vectors/commitments.json, which
/// test/client/commitments.ts checks against the TypeScript implementation.
contract CommitmentLibTest is ProoflineTest {
    string internal json;

    function setUp() public {
        json = vm.readFile("test/vectors/commitments.json");
    }

    /// @dev External so the part is calldata, as a consumer receives it.
    function verifyPart(bytes32 root, OutputPart calldata part, bytes32[] calldata proof) external pure returns (bool) {
        return CommitmentLib.verifyOutputPart(root, part, proof);
    }

    /// @dev External so the part is calldata.
    function leafOf(OutputPart calldata part) external pure returns (bytes32) {
        return CommitmentLib.outputLeaf(part);
    }

    function test_outputVectors() public view {
        uint256 vectors = vm.parseJsonUint(json, ".counts.output");
        vm.assertGt(vectors, 0, "no output vectors");
        for (uint256 v = 0; v < vectors; ++v) {
            string memory base = string.concat(".output[", vm.toString(v), "]");
            bytes32 root = vm.parseJsonBytes32(json, string.concat(base, ".root"));
            uint256 count = vm.parseJsonUint(json, string.concat(base, ".count"));
            for (uint256 i = 0; i < count; ++i) {
                string memory at = string.concat(base, ".parts[", vm.toString(i), "]");
                OutputPart memory part = _outputPart(at);
                bytes32[] memory proof = vm.parseJsonBytes32Array(json, string.concat(at, ".proof"));
                bytes32 leaf = vm.parseJsonBytes32(json, string.concat(at, ".leaf"));
                vm.assertEq(this.leafOf(part), leaf, "output leaf");
                vm.assertEq(
                    CommitmentLib.outputLeaf(
                        part.index,
                        part.kind,
                        vm.parseJsonBytes32(json, string.concat(at, ".mediaTypeHash")),
                        vm.parseJsonBytes32(json, string.concat(at, ".contentHash"))
                    ),
                    leaf,
                    "output leaf from hashes"
                );
                vm.assertTrue(this.verifyPart(root, part, proof), "proof verifies");

                // Any change to the part, or another position, breaks the proof.
                ++part.index;
                vm.assertFalse(this.verifyPart(root, part, proof), "moved part");
                --part.index;
                part.mediaType = string.concat(part.mediaType, " ");
                vm.assertFalse(this.verifyPart(root, part, proof), "other media type");
                part.mediaType = vm.parseJsonString(json, string.concat(at, ".mediaType"));
                part.content = bytes.concat(part.content, hex"00");
                vm.assertFalse(this.verifyPart(root, part, proof), "other content");
            }
        }
    }

    function test_inputVectors() public view {
        uint256 vectors = vm.parseJsonUint(json, ".counts.input");
        vm.assertGt(vectors, 0, "no input vectors");
        for (uint256 v = 0; v < vectors; ++v) {
            string memory base = string.concat(".input[", vm.toString(v), "]");
            uint256 count = vm.parseJsonUint(json, string.concat(base, ".count"));
            for (uint256 i = 0; i < count; ++i) {
                string memory at = string.concat(base, ".parts[", vm.toString(i), "]");
                bytes32 leaf = CommitmentLib.inputLeaf(
                    uint32(vm.parseJsonUint(json, string.concat(at, ".index"))),
                    InputKind(vm.parseJsonUint(json, string.concat(at, ".kind"))),
                    keccak256(bytes(vm.parseJsonString(json, string.concat(at, ".name")))),
                    vm.parseJsonBytes32(json, string.concat(at, ".contentHash")),
                    Provenance(vm.parseJsonUint(json, string.concat(at, ".provenance")))
                );
                vm.assertEq(leaf, vm.parseJsonBytes32(json, string.concat(at, ".leaf")), "input leaf");
            }
        }
    }

    function test_answerDigestVectors() public view {
        uint256 vectors = vm.parseJsonUint(json, ".counts.answerDigest");
        vm.assertGt(vectors, 0, "no digest vectors");
        for (uint256 v = 0; v < vectors; ++v) {
            string memory base = string.concat(".answerDigest[", vm.toString(v), "]");
            vm.assertEq(
                CommitmentLib.answerDigest(
                    vm.parseJsonBytes32(json, string.concat(base, ".input")),
                    vm.parseJsonBytes32(json, string.concat(base, ".output")),
                    vm.parseJsonBytes32(json, string.concat(base, ".paymentRef"))
                ),
                vm.parseJsonBytes32(json, string.concat(base, ".digest")),
                "answer digest"
            );
        }
    }

    /// @dev An output leaf never equals an input leaf built from the same words: four words against five.
    function testFuzz_outputAndInputLeavesNeverCollide(uint32 index, bytes32 a, bytes32 b) public pure {
        vm.assertNotEq(
            uint256(CommitmentLib.outputLeaf(index, OutputKind.Text, a, b)),
            uint256(CommitmentLib.inputLeaf(index, InputKind.Prompt, a, b, Provenance.Unattested)),
            "domains differ"
        );
    }

    function _outputPart(string memory at) private view returns (OutputPart memory) {
        return
            OutputPart({
                index: uint32(vm.parseJsonUint(json, string.concat(at, ".index"))),
                kind: OutputKind(vm.parseJsonUint(json, string.concat(at, ".kind"))),
                mediaType: vm.parseJsonString(json, string.concat(at, ".mediaType")),
                content: vm.parseJsonBytes(json, string.concat(at, ".content"))
            });
    }
}
