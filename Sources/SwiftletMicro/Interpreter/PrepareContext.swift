import SwiftletFormat

/// What a kernel sees in `prepare`: its operator, tensor metadata, and the
/// arena's persistent memory for op data.
public struct PrepareContext {
    /// The model.
    public let model: Model
    /// The subgraph the operator belongs to.
    public let subgraph: SubGraph
    /// The operator.
    public let op: Operator
    /// The operator's index in its subgraph (for messages).
    public let operatorIndex: Int
    /// The operator's schema name (for messages).
    public let opName: StaticString

    /// The operator's index among the nodes of all subgraphs (owner of its scratch buffers).
    let nodeIndex: Int
    var allocator: ArenaAllocator
    var opData: UnsafeMutableRawPointer? = nil
    var scratchSizes: [Int]
    var scratchOwners: [Int]
    /// Set by `allowOutputOverlap`: the input slot and the least distance (bytes)
    /// from output 0's start to that input's start when the two share memory.
    var outputOverlap: (slot: Int, distance: Int)? = nil

    /// Number of input slots (including omitted ones).
    public var inputCount: Int { op.inputs.count }
    /// Number of outputs.
    public var outputCount: Int { op.outputs.count }

    /// Input `slot`, or nil when the slot is omitted (−1) or past the end.
    public func input(_ slot: Int) -> TensorView? {
        guard slot < op.inputs.count, op.inputs[slot] >= 0 else { return nil }
        return view(Int(op.inputs[slot]))
    }

    /// Output `slot`, or nil past the end.
    public func output(_ slot: Int) -> TensorView? {
        guard slot < op.outputs.count else { return nil }
        return view(Int(op.outputs[slot]))
    }

    /// Input `slot`; throws if it is missing.
    public func requiredInput(_ slot: Int) throws(MicroError) -> TensorView {
        guard let tensor = input(slot) else { throw .invalidOperator(op: opName, index: operatorIndex, reason: "a required input is missing") }
        return tensor
    }

    /// Output `slot`; throws if it is missing.
    public func requiredOutput(_ slot: Int) throws(MicroError) -> TensorView {
        guard let tensor = output(slot) else { throw .invalidOperator(op: opName, index: operatorIndex, reason: "a required output is missing") }
        return tensor
    }

    private func view(_ index: Int) -> TensorView {
        let tensor = subgraph.tensors[index]
        let data = model.data(of: tensor).flatMap { UnsafeMutableRawPointer(mutating: $0.baseAddress) }
        return TensorView(index: index, tensor: tensor, data: data)
    }

    /// The operator's builtin options viewed as `View`; throws if absent.
    public func options<View: OptionsTableView>(_ view: View.Type) throws(MicroError) -> View {
        guard let options = op.options(view) else { throw .invalidOperator(op: opName, index: operatorIndex, reason: "builtin options are missing") }
        return options
    }

    /// The custom operator's FlexBuffers options as a map; throws if they are absent or malformed.
    public func customOptions() throws(MicroError) -> FlexMap {
        guard op.customOptionsFormat == 0 else { throw invalid("custom options are not FlexBuffers") }
        do {
            return try FlexBuffer(bytes: op.customOptions).root().asMap()
        } catch {
            throw .invalidCustomOptions(op: opName, index: operatorIndex, error)
        }
    }

    /// Reads one option with `read`, reporting a bad or missing value against this operator.
    public func option<T>(_ read: () throws(FormatError) -> T) throws(MicroError) -> T {
        do { return try read() } catch { throw .invalidCustomOptions(op: opName, index: operatorIndex, error) }
    }

    /// Stores the kernel's op data in the arena (read back in `eval` with `opData(as:)`).
    public mutating func setOpData<T>(_ value: T) {
        let pointer = allocator.allocate(T.self, count: 1)
        pointer.initialize(to: value)
        opData = UnsafeMutableRawPointer(pointer)
    }

    /// Persistent memory for `count` values of `T` (e.g. per-channel multipliers), zeroed.
    public mutating func allocateArray<T>(_ type: T.Type, count: Int) -> UnsafeMutableBufferPointer<T> {
        UnsafeMutableBufferPointer(start: allocator.allocate(T.self, count: count), count: count)
    }

    /// Asks for `bytes` of scratch memory, valid only while this operator runs.
    public mutating func requestScratch(bytes: Int) -> ScratchHandle {
        scratchSizes.append(bytes)
        scratchOwners.append(nodeIndex)
        return ScratchHandle(index: scratchSizes.count - 1)
    }

    /// Declares that output 0 may share memory with input `slot` (when that input
    /// dies here) as long as the input starts at least `distance` bytes after the
    /// output does (`distance` may be negative or 0): `eval` must never write an
    /// output byte over an input byte it still has to read. Convolution-like
    /// kernels that walk output pixels in order compute `distance` from their window.
    public mutating func allowOutputOverlap(input slot: Int = 0, distance: Int) {
        outputOverlap = (slot, distance)
    }

    /// An error naming this operator.
    public func invalid(_ reason: StaticString) -> MicroError {
        .invalidOperator(op: opName, index: operatorIndex, reason: reason)
    }

    /// An unsupported-type error naming this operator and tensor.
    public func unsupported(_ tensor: TensorView) -> MicroError {
        .unsupportedType(op: opName, tensor: tensor.index, type: tensor.type)
    }
}

/// What a kernel sees in `eval`: its op data and its tensors' memory.
public struct EvalContext {
    /// The op data the kernel stored in `prepare`.
    public let opData: UnsafeMutableRawPointer?
    @usableFromInline let pointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    @usableFromInline let inputCount: Int
    @usableFromInline let scratch: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// The interpreter's subgraphs, for control-flow kernels (nil for a one-subgraph model).
    let graph: UnsafeMutablePointer<SubgraphRuntime>?

    /// Input `slot`'s data (nil for an omitted input).
    @inlinable @inline(__always)
    public func input(_ slot: Int) -> UnsafeMutableRawPointer? { pointers[slot] }

    /// Output `slot`'s data.
    @inlinable @inline(__always)
    public func output(_ slot: Int) -> UnsafeMutableRawPointer { pointers[inputCount + slot]! }

    /// Input `slot`'s data as typed elements.
    @inlinable @inline(__always)
    public func input<T>(_ slot: Int, as type: T.Type) -> UnsafePointer<T> {
        UnsafePointer(pointers[slot]!.assumingMemoryBound(to: T.self))
    }

    /// Output `slot`'s data as typed elements.
    @inlinable @inline(__always)
    public func output<T>(_ slot: Int, as type: T.Type) -> UnsafeMutablePointer<T> {
        pointers[inputCount + slot]!.assumingMemoryBound(to: T.self)
    }

    /// The op data as `T`.
    @inlinable @inline(__always)
    public func opData<T>(as type: T.Type) -> UnsafeMutablePointer<T> { opData!.assumingMemoryBound(to: T.self) }

    /// A scratch buffer requested in `prepare`.
    @inlinable @inline(__always)
    public func scratch(_ handle: ScratchHandle) -> UnsafeMutableRawPointer { scratch[handle.index]! }
}
