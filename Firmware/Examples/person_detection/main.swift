// person_detection: MobileNetV1-0.25 (96x96x1 int8) on a Cortex-M4 with one embedded test image.
// Prints the two int8 scores (no_person, person) as `out 0: A B` and the instructions of one
// invoke() (timer0 ticks x 40 under QEMU -icount shift=0). Exits non-zero on any error.
import SwiftletFormat
import SwiftletMicro
import SwiftletMCU
import g_person_image_c

Console.write("swiftlet person_detection: MobileNetV1-0.25 int8 (")
Console.write(g_person_model_count)
Console.write(" B model) on Cortex-M4")
Console.newline()

let model: Model
do { model = try Model(bytes: g_person_model_bytes) } catch { Board.fail("Model(bytes:)", error) }

let resolver = OpResolver([.averagePool2D, .conv2D, .depthwiseConv2D, .reshape, .softmax])
var interpreter: MicroInterpreter
do {
    interpreter = try MicroInterpreter(model: model, resolver: resolver, arena: Board.arena)
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
guard input.count == Int(g_person_image_len) else {
    Console.write("*** the embedded image has ")
    Console.write(Int(g_person_image_len))
    Console.write(" bytes, the input takes ")
    Console.write(input.count)
    Console.newline()
    Board.exit(1)
}
UnsafeMutableRawBufferPointer(input).copyMemory(
    from: UnsafeRawBufferPointer(start: g_person_image_data(), count: Int(g_person_image_len)))

let start = Board.ticks
do { try interpreter.invoke() } catch { Board.fail("invoke", error) }
let invokeInstructions = Board.instructions(from: start, to: Board.ticks)

Console.write("out 0:")
for score in output {
    Console.write(" ")
    Console.write(Int(score))
}
Console.newline()
Console.write("scores: no_person ")
Console.write(Int(output[0]))
Console.write(" person ")
Console.write(Int(output[1]))
Console.newline()
Console.write("instructions/inference: ")
Console.write(invokeInstructions)
Console.newline()
Console.write("instructions/allocateTensors: ")
Console.write(allocInstructions)
Console.newline()
Board.reportMemory(arenaUsed: interpreter.arenaUsedBytes)
Console.write("person_detection: done")
Console.newline()
