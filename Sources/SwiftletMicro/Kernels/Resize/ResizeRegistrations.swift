/// The resize kernels by name: `OpResolver([.resizeBilinear, .resizeNearestNeighbor])`.
extension KernelRegistration {
    /// RESIZE_BILINEAR (float32; int8 and int16 integer-only; align_corners, half_pixel_centers).
    public static var resizeBilinear: KernelRegistration { ResizeBilinear.registration }
    /// RESIZE_NEAREST_NEIGHBOR (any fixed-width type; align_corners, half_pixel_centers).
    public static var resizeNearestNeighbor: KernelRegistration { ResizeNearestNeighbor.registration }
}
