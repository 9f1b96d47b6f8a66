import XCTest
import SwiftletFormat
import SwiftletMicro

/// SPACE_TO_DEPTH, DEPTH_TO_SPACE, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, BROADCAST_TO,
/// BROADCAST_ARGS, CUMSUM, DYNAMIC_UPDATE_SLICE, RESIZE_BILINEAR and
/// RESIZE_NEAREST_NEIGHBOR: fixtures bit-exact with TFLM (float within 1e-5).
final class BlockResizeKernelTests: XCTestCase {
    static var kernels: [KernelRegistration] {
        [.spaceToDepth, .depthToSpace, .spaceToBatchNd, .batchToSpaceNd, .broadcastTo, .broadcastArgs,
         .cumsum, .dynamicUpdateSlice, .resizeBilinear, .resizeNearestNeighbor, .quantize, .dequantize]
    }

    func testDepthSpaceFixtures() throws { try OpsBFixtures.assertExact(["space_to_depth", "depth_to_space"], kernels: Self.kernels, minimum: 3) }
    func testSpaceBatchFixtures() throws { try OpsBFixtures.assertExact(["space_to_batch_nd", "batch_to_space_nd"], kernels: Self.kernels, minimum: 8) }
    func testBroadcastFixtures() throws { try OpsBFixtures.assertExact(["broadcast_"], kernels: Self.kernels, minimum: 5) }
    func testCumsumFixtures() throws { try OpsBFixtures.assertExact(["cumsum"], kernels: Self.kernels, minimum: 4) }
    func testDynamicUpdateSliceFixtures() throws { try OpsBFixtures.assertExact(["dynamic_update_slice"], kernels: Self.kernels, minimum: 3) }
    func testResizeBilinearFixtures() throws { try OpsBFixtures.assertExact(["resize_bilinear"], kernels: Self.kernels, minimum: 6) }
    func testResizeNearestFixtures() throws { try OpsBFixtures.assertExact(["resize_nearest"], kernels: Self.kernels, minimum: 7) }

    /// Every fixture of these kernels runs without touching the heap (runtime-index ones left out: unfed).
    func testInvokeAllocatesNothing() throws {
        let names = try OpsBFixtures.names(["space_to_", "depth_to_", "batch_to_space", "broadcast_to", "cumsum", "dynamic_update_slice_float", "resize_"])
        try assertInvokeAllocatesNothing(names, resolver: OpResolver(Self.kernels))
    }
}
