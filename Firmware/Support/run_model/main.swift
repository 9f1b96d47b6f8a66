// run_model: the firmware Firmware/run.sh builds around any model. run.sh generates
// g_model (export-c), g_model_resolver / g_model_arenaBytes (swiftlet resolver) and the
// input samples (module run_inputs_c: run_sample_count(), run_input_count(), run_input(k),
// run_input_bytes(k)). For every sample: copy each input in, invoke, print each output as
//   `out S K: HEX` (the output tensor's bytes, little-endian, as `swiftlet run` writes them)
// then the instructions per inference. Exits non-zero on any error.
import SwiftletFormat
import SwiftletMicro
import SwiftletMCU
import run_inputs_c

Console.write("swiftlet run_model: ")
Console.write(g_model_count)
Console.write(" B model, ")
Console.write(Int(run_sample_count()))
Console.write(" samples, on ")
Board.writeTargetName()
Console.newline()

let model: Model
do { model = try Model(bytes: g_model_bytes) } catch { Board.fail("Model(bytes:)", error) }

var interpreter: MicroInterpreter
do {
    interpreter = try MicroInterpreter(model: model, resolver: g_model_resolver, arena: Board.arena)
} catch { Board.fail("MicroInterpreter", error) }

let allocStart = Board.ticks
do { try interpreter.allocateTensors() } catch { Board.fail("allocateTensors", error) }
let allocInstructions = Board.instructions(from: allocStart, to: Board.ticks)
mcu_heap_seal()   // from here on nothing may allocate

func check(_ condition: Bool, _ what: StaticString, _ index: Int, _ expected: Int, _ got: Int) {
    if condition { return }
    Console.write("*** ")
    Console.write(what)
    Console.write(" ")
    Console.write(index)
    Console.write(": expected ")
    Console.write(expected)
    Console.write(", got ")
    Console.write(got)
    Console.newline()
    Board.exit(1)
}

check(Int(run_input_count()) == interpreter.inputCount, "input count", 0, interpreter.inputCount, Int(run_input_count()))
for k in 0..<interpreter.inputCount {
    let view: TensorView
    do { view = try interpreter.input(k) } catch { Board.fail("input", error) }
    check(Int(run_input_bytes(UInt32(k))) == view.byteCount, "bytes per sample of input", k, view.byteCount, Int(run_input_bytes(UInt32(k))))
}

var totalTicks = 0
var minTicks = Int.max
var maxTicks = 0
let samples = Int(run_sample_count())
for sample in 0..<samples {
    for k in 0..<interpreter.inputCount {
        let size = Int(run_input_bytes(UInt32(k)))
        let source = UnsafeRawBufferPointer(start: run_input(UInt32(k))! + sample * size, count: size)
        do {
            let view = try interpreter.input(k)
            UnsafeMutableRawBufferPointer(start: view.data, count: size).copyMemory(from: source)
        } catch { Board.fail("input", error) }
    }
    let start = Board.ticks
    do { try interpreter.invoke() } catch { Board.fail("invoke", error) }
    let ticks = Int(start &- Board.ticks)
    totalTicks += ticks
    minTicks = min(minTicks, ticks)
    maxTicks = max(maxTicks, ticks)
    for k in 0..<interpreter.outputCount {
        let view: TensorView
        do { view = try interpreter.output(k) } catch { Board.fail("output", error) }
        Console.write("out ")
        Console.write(sample)
        Console.write(" ")
        Console.write(k)
        Console.write(": ")
        Console.writeHex(UnsafeRawBufferPointer(start: view.data, count: view.byteCount))
        Console.newline()
    }
}

let perTick = Int(MCU_INSTRUCTIONS_PER_TICK)
Console.write("instructions/inference: mean ")
Console.write(totalTicks * perTick / max(samples, 1))
Console.write(" min ")
Console.write(minTicks * perTick)
Console.write(" max ")
Console.write(maxTicks * perTick)
Console.write(" (")
Console.write(samples)
Console.write(" invokes, resolution 40)")
Console.newline()
Console.write("instructions/allocateTensors: ")
Console.write(allocInstructions)
Console.newline()
Board.reportMemory(arenaUsed: interpreter.arenaUsedBytes)
Console.write("run_model: done")
Console.newline()
