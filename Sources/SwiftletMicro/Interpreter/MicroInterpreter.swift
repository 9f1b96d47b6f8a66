import SwiftletFormat

/// Runs a verified model inside one caller-owned arena.
///
/// ```swift
/// let model = try Model(bytes: modelBytes)
/// var interpreter = try MicroInterpreter(model: model, resolver: OpResolver([.fullyConnected]), arena: arena)
/// try interpreter.allocateTensors()        // plans memory; no heap use after this
/// try interpreter.input(0).elements(as: Int8.self)[0] = 42
/// try interpreter.invoke()
/// let y = try interpreter.output(0).elements(as: Int8.self)[0]
/// ```
///
/// The arena holds everything: activations and scratch (planned by lifetime at
/// the low end), and node records, op data, variable tensors and pointer tables
/// (at the high end). `allocateTensors()` with a too-small arena throws
/// `arenaTooSmall(needed:given:)` where `needed` is exactly enough.
public struct MicroInterpreter {
    /// The model being run.
    public let model: Model
    /// The kernels available to it.
    public let resolver: OpResolver
    let arena: UnsafeMutableRawBufferPointer
    let subgraph: SubGraph

    private var nodes: UnsafeMutablePointer<NodeState>? = nil
    /// Node records laid out by `allocateTensors()` (every subgraph's operators).
    private var preparedNodeCount = 0
    private var tensorData: UnsafeMutablePointer<UnsafeMutableRawPointer?>? = nil
    private var scratchPointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>? = nil
    private var runtime: UnsafeMutablePointer<SubgraphRuntime>? = nil
    private var resources: UnsafeMutablePointer<ResourceVariable>? = nil
    private var resourceCount = 0

    /// Bytes of the arena in use after `allocateTensors()` (head + tail + alignment).
    public private(set) var arenaUsedBytes = 0
    /// Bytes of planned activations and scratch.
    public private(set) var headBytes = 0
    /// Bytes of persistent data.
    public private(set) var tailBytes = 0
    /// The arena a 32-bit microcontroller needs for the same plan (set even when
    /// `allocateTensors()` fails for lack of room). Exact for the interpreter's own
    /// tables; kernels' op data is counted at its host size, so this is an upper bound.
    public private(set) var target32Bytes = 0

    struct NodeState {
        var opData: UnsafeMutableRawPointer?
        var pointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>
        // int32: node records live in the arena (four words on a 32-bit target).
        private var kernel32: Int32
        private var inputCount32: Int32
        var kernel: Int { Int(kernel32) }
        var inputCount: Int { Int(inputCount32) }

        init(kernel: Int, opData: UnsafeMutableRawPointer?, pointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>, inputCount: Int) {
            self.opData = opData
            self.pointers = pointers
            kernel32 = Int32(truncatingIfNeeded: kernel)
            inputCount32 = Int32(truncatingIfNeeded: inputCount)
        }
    }

    /// Prepares to run `model` (subgraph 0, and the subgraphs its IF, WHILE and
    /// CALL_ONCE operators call) with `resolver`'s kernels in `arena`.
    public init(model: Model, resolver: OpResolver, arena: UnsafeMutableRawBufferPointer) throws(MicroError) {
        guard !model.subgraphs.isEmpty else { throw .unsupportedFeature("a model without subgraphs") }
        self.model = model
        self.resolver = resolver
        self.arena = arena
        self.subgraph = model.subgraphs[0]
    }

    /// Whether `allocateTensors()` has succeeded.
    public var isAllocated: Bool { nodes != nil }

    /// Exactly how many bytes a 16-byte-aligned arena needs to run `model` with `resolver`.
    public static func requiredArenaBytes(model: Model, resolver: OpResolver) throws(MicroError) -> Int {
        try arenaRequirements(model: model, resolver: resolver).host
    }

    /// The arena `model` needs on this host (exact) and on a 32-bit target (see `target32Bytes`).
    public static func arenaRequirements(model: Model, resolver: OpResolver) throws(MicroError) -> (host: Int, target32: Int) {
        var probe = try MicroInterpreter(model: model, resolver: resolver, arena: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        do {
            try probe.allocateTensors()
            return (probe.arenaUsedBytes, probe.target32Bytes)
        } catch {
            if case .arenaTooSmall(let needed, _) = error { return (needed, probe.target32Bytes) }
            throw error
        }
    }

    /// Bytes a tensor takes in the arena: its data, or one address per element for
    /// resource handles (they hold the address of their variable's value).
    static func storageBytes(of tensor: Tensor) -> Int {
        if tensor.type == .resource || tensor.type == .variant {
            return max(tensor.elementCount ?? 1, 1) * MemoryLayout<UnsafeRawPointer>.size
        }
        return tensor.byteCount ?? 0
    }

    /// Resolves kernels, runs every kernel's `prepare` (in every subgraph that runs),
    /// plans memory and lays out the arena. After it returns, `invoke()` allocates nothing.
    public mutating func allocateTensors() throws(MicroError) {
        var allocator = ArenaAllocator(arena: arena)
        let timeline = try ExecutionTimeline.of(model: model, resolver: resolver)
        let subgraphs = model.subgraphs
        let tensorCount = timeline.tensorCount
        let nodeCount = timeline.nodeCount
        let multiple = timeline.isReached.dropFirst().contains(true)

        let tensorData = allocator.allocate(UnsafeMutableRawPointer?.self, count: tensorCount, words32: 1)
        let nodes = allocator.allocate(NodeState.self, count: nodeCount, words32: 4)
        // Nodes of subgraphs that never run keep kernel -1 (reset() skips them).
        for node in 0..<nodeCount {
            (nodes + node).initialize(to: NodeState(kernel: -1, opData: nil, pointers: tensorData, inputCount: 0))
        }
        var runtime: UnsafeMutablePointer<SubgraphRuntime>? = nil
        var entries: UnsafeMutablePointer<SubgraphEntry>? = nil
        if multiple {
            runtime = allocator.allocate(SubgraphRuntime.self, count: 1, words32: SubgraphRuntime.words32)
            entries = allocator.allocate(SubgraphEntry.self, count: subgraphs.count, words32: 3)
        }
        var scratchSizes: [Int] = []
        var scratchOwners: [Int] = []
        var outputOverlaps = [(slot: Int, distance: Int)?](repeating: nil, count: nodeCount)
        var nodeSubgraph = [Int](repeating: 0, count: nodeCount)

        // 1. Resolve and prepare every operator of every subgraph that runs.
        for graphIndex in 0..<subgraphs.count where timeline.isReached[graphIndex] {
            let subgraph = subgraphs[graphIndex]
            let operators = subgraph.operators
            for index in 0..<operators.count {
                let node = timeline.nodeBase[graphIndex] + index
                nodeSubgraph[node] = graphIndex
                let op = operators[index]
                let code = model.operatorCode(of: op)
                guard let kernel = resolver.find(code.builtinCode, customName: code.customCode) else {
                    allocator.releaseOverflow()
                    if code.isCustom { throw .unsupportedCustomOperator(index: index) }
                    throw .unsupportedOperator(code: code.builtinCode.rawValue, name: code.builtinCode.name, version: code.version, index: index)
                }
                let slots = op.inputs.count + op.outputs.count
                let pointers = allocator.allocate(UnsafeMutableRawPointer?.self, count: slots, words32: 1)
                var context = PrepareContext(model: model, subgraph: subgraph, op: op, operatorIndex: index,
                                             opName: resolver.registrations[kernel].customName ?? code.builtinCode.name ?? "operator", nodeIndex: node, allocator: allocator,
                                             scratchSizes: scratchSizes, scratchOwners: scratchOwners)
                do {
                    try resolver.registrations[kernel].prepare(&context)
                } catch {
                    context.allocator.releaseOverflow()
                    throw error
                }
                allocator = context.allocator
                outputOverlaps[node] = context.outputOverlap
                scratchSizes = context.scratchSizes
                scratchOwners = context.scratchOwners
                (nodes + node).initialize(to: NodeState(kernel: kernel, opData: context.opData, pointers: pointers, inputCount: op.inputs.count))
            }
        }
        let scratchPointers = allocator.allocate(UnsafeMutableRawPointer?.self, count: scratchSizes.count, words32: 1)
        var resources: ResourceVariablePlanner.Resources = (nil, 0, [])
        do throws(MicroError) {
            // Only a resolver with VAR_HANDLE has a planner (a model using variables without it failed above).
            if let plan = resolver.planResourceVariables { resources = try plan(model, timeline, &allocator) }
        } catch {
            allocator.releaseOverflow()
            throw error
        }

        // 2. Lifetimes (one timeline over all subgraphs): constants live in the model,
        // variables and resource variables in the tail, the rest is planned.
        let firstUse = timeline.firstUse
        let lastUse = timeline.lastUse
        var tensorOf = [Tensor?](repeating: nil, count: tensorCount)
        var isGraphOutput = [Bool](repeating: false, count: tensorCount)
        var isGraphInput = [Bool](repeating: false, count: tensorCount)
        for output in subgraphs[0].outputs { isGraphOutput[Int(output)] = true }
        for input in subgraphs[0].inputs { isGraphInput[Int(input)] = true }

        var bufferOfTensor = [Int](repeating: -1, count: tensorCount)
        var buffers: [PlannedBuffer] = []
        var isPlanned = [Bool](repeating: false, count: tensorCount)
        for graphIndex in 0..<subgraphs.count where timeline.isReached[graphIndex] {
            let base = timeline.tensorBase[graphIndex]
            for (local, tensor) in subgraphs[graphIndex].tensors.enumerated() {
                let index = base + local
                tensorOf[index] = tensor
                if let data = model.data(of: tensor), !tensor.isVariable {
                    tensorData[index] = UnsafeMutableRawPointer(mutating: data.baseAddress)
                } else if tensor.isVariable {
                    tensorData[index] = allocator.allocatePersistent(tensor.byteCount ?? 0)
                } else if !resources.recordOfTensor.isEmpty, resources.recordOfTensor[index] >= 0 {
                    tensorData[index] = UnsafeMutableRawPointer(resources.records! + resources.recordOfTensor[index])
                } else if lastUse[index] >= 0 {
                    isPlanned[index] = true
                }
            }
        }
        // Reshape-like operators write into their input's memory when the input dies there.
        var aliasOf = [Int](repeating: -1, count: tensorCount)
        for node in 0..<nodeCount {
            let registration = resolver.registrations[nodes[node].kernel]
            let graphIndex = nodeSubgraph[node]
            let base = timeline.tensorBase[graphIndex]
            let op = subgraphs[graphIndex].operators[node - timeline.nodeBase[graphIndex]]
            guard registration.aliasesInputToOutput, op.inputs.count >= 1, op.outputs.count == 1, op.inputs[0] >= 0 else { continue }
            let input = base + Int(op.inputs[0]), output = base + Int(op.outputs[0])
            guard isPlanned[input], isPlanned[output], lastUse[input] == timeline.entry[node], !isGraphOutput[input],
                  Self.storageBytes(of: tensorOf[input]!) == Self.storageBytes(of: tensorOf[output]!) else { continue }
            var root = input
            while aliasOf[root] >= 0 { root = aliasOf[root] }
            aliasOf[output] = root
        }
        // Offsets decided ahead of time (OfflineMemoryAllocation, e.g. from Vela) are kept;
        // the planner fits everything else around them. They number the tensors of all
        // subgraphs in order, as here.
        let offline = model.offlineMemoryAllocation
        func offlineOffset(_ tensor: Int) -> Int? {
            guard let offline, tensor < offline.tensorCount else { return nil }
            return offline.offset(ofTensor: tensor)
        }
        for index in 0..<tensorCount where isPlanned[index] && aliasOf[index] >= 0 && offlineOffset(index) != nil {
            aliasOf[index] = -1
        }
        for index in 0..<tensorCount where isPlanned[index] && aliasOf[index] < 0 {
            bufferOfTensor[index] = buffers.count
            buffers.append(PlannedBuffer(size: ArenaAllocator.rounded(Self.storageBytes(of: tensorOf[index]!)),
                                         firstUse: firstUse[index], lastUse: lastUse[index],
                                         fixedOffset: offlineOffset(index)))
        }
        for index in 0..<tensorCount where isPlanned[index] && aliasOf[index] >= 0 {
            let buffer = bufferOfTensor[aliasOf[index]]
            bufferOfTensor[index] = buffer
            buffers[buffer].lastUse = max(buffers[buffer].lastUse, lastUse[index])
        }
        // Operators that may write their output over an input dying there: element-wise
        // ones over an input of the output's shape and type, others as their prepare allowed.
        // The main graph's inputs and outputs belong to the application and are never overlapped.
        var bufferIsShielded = [Bool](repeating: false, count: buffers.count)
        for index in 0..<tensorCount where bufferOfTensor[index] >= 0 && (isGraphInput[index] || isGraphOutput[index]) {
            bufferIsShielded[bufferOfTensor[index]] = true
        }
        for node in 0..<nodeCount {
            let graphIndex = nodeSubgraph[node]
            let base = timeline.tensorBase[graphIndex]
            let op = subgraphs[graphIndex].operators[node - timeline.nodeBase[graphIndex]]
            let step = timeline.entry[node]
            guard op.outputs.count >= 1, step == timeline.exit[node] else { continue }
            let output = base + Int(op.outputs[0])
            let outputBuffer = bufferOfTensor[output]
            guard outputBuffer >= 0, aliasOf[output] < 0, buffers[outputBuffer].fixedOffset == nil,
                  buffers[outputBuffer].overlapPartner == nil else { continue }
            func partner(_ slot: Int) -> Int? {
                guard slot < op.inputs.count, op.inputs[slot] >= 0 else { return nil }
                let input = base + Int(op.inputs[slot])
                let buffer = bufferOfTensor[input]
                guard buffer >= 0, buffer != outputBuffer, !bufferIsShielded[buffer], buffers[buffer].lastUse == step,
                      buffers[buffer].fixedOffset == nil else { return nil }
                return buffer
            }
            if resolver.registrations[nodes[node].kernel].inPlaceElementwise {
                let outputTensor = tensorOf[output]!
                for slot in 0..<op.inputs.count {
                    guard let buffer = partner(slot) else { continue }
                    let inputTensor = tensorOf[base + Int(op.inputs[slot])]!
                    guard inputTensor.type == outputTensor.type, inputTensor.byteCount == outputTensor.byteCount,
                          inputTensor.shape.count == outputTensor.shape.count,
                          (0..<inputTensor.shape.count).allSatisfy({ inputTensor.shape[$0] == outputTensor.shape[$0] }) else { continue }
                    buffers[outputBuffer].overlapPartner = buffer
                    buffers[outputBuffer].overlapDistance = 0
                    break
                }
            } else if let overlap = outputOverlaps[node], let buffer = partner(overlap.slot) {
                // The input must be read through this slot alone.
                let input = op.inputs[overlap.slot]
                guard (0..<op.inputs.count).allSatisfy({ $0 == overlap.slot || op.inputs[$0] != input }) else { continue }
                buffers[outputBuffer].overlapPartner = buffer
                // Offsets are multiples of the alignment; a larger distance is always allowed.
                let distance = overlap.distance
                buffers[outputBuffer].overlapDistance = distance <= 0 ? -(-distance / ArenaAllocator.alignment * ArenaAllocator.alignment)
                                                                      : ArenaAllocator.rounded(distance)
            }
        }
        let firstScratchBuffer = buffers.count
        for (size, owner) in zip(scratchSizes, scratchOwners) {
            buffers.append(PlannedBuffer(size: ArenaAllocator.rounded(size), firstUse: timeline.entry[owner], lastUse: timeline.exit[owner]))
        }
        let headSize = GreedyPlanner.plan(&buffers)

        // 3. Does it fit?
        // The tail's total is rounded so the head keeps the arena's 16-byte alignment.
        let tail = ArenaAllocator.rounded(allocator.tailBytes)
        let needed = allocator.misalignment + headSize + tail
        target32Bytes = headSize + ArenaAllocator.rounded(allocator.tailBytes32)
        guard !allocator.overflowed, headSize + tail <= allocator.capacity, let head = allocator.head else {
            allocator.releaseOverflow()
            throw .arenaTooSmall(needed: needed, given: arena.count)
        }

        // 4. Point every tensor, node slot and scratch buffer at its memory.
        for index in 0..<tensorCount where bufferOfTensor[index] >= 0 {
            tensorData[index] = head + buffers[bufferOfTensor[index]].offset
        }
        for (number, _) in scratchSizes.enumerated() {
            scratchPointers[number] = head + buffers[firstScratchBuffer + number].offset
        }
        for node in 0..<nodeCount {
            let graphIndex = nodeSubgraph[node]
            let base = timeline.tensorBase[graphIndex]
            let op = subgraphs[graphIndex].operators[node - timeline.nodeBase[graphIndex]]
            let state = nodes[node]
            for (slot, tensor) in op.inputs.enumerated() {
                state.pointers[slot] = tensor >= 0 ? tensorData[base + Int(tensor)] : nil
            }
            for (slot, tensor) in op.outputs.enumerated() {
                state.pointers[op.inputs.count + slot] = tensor >= 0 ? tensorData[base + Int(tensor)] : nil
            }
        }
        if let runtime, let entries {
            for graphIndex in 0..<subgraphs.count {
                let reached = timeline.isReached[graphIndex]
                (entries + graphIndex).initialize(to: SubgraphEntry(
                    firstNode: Int32(truncatingIfNeeded: reached ? timeline.nodeBase[graphIndex] : 0),
                    nodeCount: Int32(truncatingIfNeeded: reached ? subgraphs[graphIndex].operators.count : 0),
                    firstTensor: Int32(truncatingIfNeeded: timeline.tensorBase[graphIndex])))
            }
            runtime.initialize(to: SubgraphRuntime(model: model, nodes: nodes, subgraphs: entries,
                                                   tensorData: tensorData, scratch: scratchPointers))
        }
        self.nodes = nodes
        preparedNodeCount = nodeCount
        self.tensorData = tensorData
        self.scratchPointers = scratchPointers
        self.runtime = runtime
        self.resources = resources.records
        self.resourceCount = resources.count
        headBytes = headSize
        tailBytes = tail
        arenaUsedBytes = needed
        reset()
    }

    /// Runs `body` with the resolver's kernels reachable from control-flow kernels.
    private func withKernels(_ body: (UnsafePointer<KernelRegistration>) throws(MicroError) -> Void) throws(MicroError) {
        var failure: MicroError? = nil
        resolver.registrations.withUnsafeBufferPointer { registrations in
            guard let base = registrations.baseAddress else { failure = .notAllocated; return }
            runtime?.pointee.registrations = base
            do throws(MicroError) { try body(base) } catch { failure = error }
            runtime?.pointee.registrations = nil
        }
        if let failure { throw failure }
    }

    /// Runs every operator of the main subgraph once (and the subgraphs its control flow calls).
    public mutating func invoke() throws(MicroError) {
        guard let nodes, let scratchPointers else { throw .notAllocated }
        let count = subgraph.operators.count
        let runtime = self.runtime
        try withKernels { registrations throws(MicroError) in
            try SubgraphRuntime.run(runtime, nodes: nodes, first: 0, count: count, scratch: scratchPointers, registrations: registrations)
        }
    }

    /// Number of operators `invoke()` runs.
    public var operatorCount: Int { subgraph.operators.count }

    /// Runs operator `index` alone (for profilers: `invoke()` is every operator in order).
    public mutating func invokeOperator(_ index: Int) throws(MicroError) {
        guard let nodes, let scratchPointers else { throw .notAllocated }
        guard index >= 0, index < subgraph.operators.count else { throw .ioIndexOutOfRange(index: index, count: subgraph.operators.count) }
        let runtime = self.runtime
        try withKernels { registrations throws(MicroError) in
            try SubgraphRuntime.run(runtime, nodes: nodes, first: index, count: 1, scratch: scratchPointers, registrations: registrations)
        }
    }

    /// The builtin operator run by operator `index`.
    public func operatorCode(_ index: Int) -> BuiltinOperator {
        model.operatorCode(of: subgraph.operators[index]).builtinCode
    }

    /// Clears every variable tensor (recurrent state) of every subgraph as TFLM does:
    /// int8 variables to their zero point, all others to zero. Resource variables
    /// (VAR_HANDLE) go to their default too (the zero point of the value first assigned
    /// to them, else 0); as in TFLM, a CALL_ONCE that already ran does not run again, so
    /// values its initialiser assigned are not restored. `allocateTensors()` starts from this.
    public mutating func reset() {
        guard let tensorData else { return }
        var base = 0
        for graph in model.subgraphs {
            for (index, tensor) in graph.tensors.enumerated() where tensor.isVariable {
                var value: UInt8 = 0
                if tensor.type == .int8, let parameters = tensor.quantization, !parameters.zeroPoint.isEmpty {
                    value = UInt8(truncatingIfNeeded: parameters.zeroPoint[0])
                }
                tensorData[base + index]?.initializeMemory(as: UInt8.self, repeating: value, count: tensor.byteCount ?? 0)
            }
            base += graph.tensors.count
        }
        if let resources {
            for id in 0..<resourceCount { resources[id].reset() }
        }
        // Kernels' own state (noise estimates, cycle counters) back to what prepare left.
        if let nodes {
            for node in 0..<preparedNodeCount where nodes[node].kernel >= 0 {
                resolver.registrations[nodes[node].kernel].reset?(nodes[node].opData)
            }
        }
    }

    /// Number of model inputs.
    public var inputCount: Int { subgraph.inputs.count }
    /// Number of model outputs.
    public var outputCount: Int { subgraph.outputs.count }

    /// Model input `index`, with its memory.
    public func input(_ index: Int) throws(MicroError) -> TensorView {
        try view(of: subgraph.inputs, index)
    }

    /// Model output `index`, with its memory.
    public func output(_ index: Int) throws(MicroError) -> TensorView {
        try view(of: subgraph.outputs, index)
    }

    /// Any tensor of the main subgraph, with its memory (nil data if it was never used).
    public func tensor(_ index: Int) throws(MicroError) -> TensorView {
        guard let tensorData else { throw .notAllocated }
        guard index >= 0, index < subgraph.tensors.count else { throw .ioIndexOutOfRange(index: index, count: subgraph.tensors.count) }
        return TensorView(index: index, tensor: subgraph.tensors[index], data: tensorData[index])
    }

    private func view(of list: FlatVector<Int32>, _ index: Int) throws(MicroError) -> TensorView {
        guard let tensorData else { throw .notAllocated }
        guard index >= 0, index < list.count else { throw .ioIndexOutOfRange(index: index, count: list.count) }
        let tensorIndex = Int(list[index])
        return TensorView(index: tensorIndex, tensor: subgraph.tensors[tensorIndex], data: tensorData[tensorIndex])
    }
}
