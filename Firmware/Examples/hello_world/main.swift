// hello_world: the int8 sine model on a Cortex-M4, every int8 input x = -128...127.
// Prints `x=X y=Y` per input, then instructions per inference (timer0 ticks x 40 under
// QEMU -icount shift=0) and memory use. Exits non-zero on any error.
import SwiftletFormat
import SwiftletMicro
import SwiftletMCU

Console.write("swiftlet hello_world: sine int8 (")
Console.write(g_model_count)
Console.write(" B model) on ")
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

let input: UnsafeMutableBufferPointer<Int8>
let output: UnsafeMutableBufferPointer<Int8>
do {
    input = try interpreter.input(0).elements(as: Int8.self)
    output = try interpreter.output(0).elements(as: Int8.self)
} catch { Board.fail("input/output", error) }

var totalTicks = 0
var minTicks = Int.max
var maxTicks = 0
var firstTicks = 0
for x in -128...127 {
    input[0] = Int8(x)
    let start = Board.ticks
    do { try interpreter.invoke() } catch { Board.fail("invoke", error) }
    let ticks = Int(start &- Board.ticks)
    if x == -128 { firstTicks = ticks }
    totalTicks += ticks
    minTicks = min(minTicks, ticks)
    maxTicks = max(maxTicks, ticks)
    Console.write("x=")
    Console.write(x)
    Console.write(" y=")
    Console.write(Int(output[0]))
    Console.newline()
}

let perTick = Int(MCU_INSTRUCTIONS_PER_TICK)
Console.write("instructions/inference: mean ")
Console.write(totalTicks * perTick / 256)
Console.write(" min ")
Console.write(minTicks * perTick)
Console.write(" max ")
Console.write(maxTicks * perTick)
Console.write(" first ")
Console.write(firstTicks * perTick)
Console.write(" (256 invokes)")
Console.newline()
Console.write("instructions/allocateTensors: ")
Console.write(allocInstructions)
Console.newline()
Board.reportMemory(arenaUsed: interpreter.arenaUsedBytes)
Console.write("hello_world: done")
Console.newline()
