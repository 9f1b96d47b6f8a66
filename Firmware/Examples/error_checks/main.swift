// error_checks: what a wrong build looks like on the MCU. Firmware/ci.sh expects
//   1. a resolver without FULLY_CONNECTED -> "has no registered kernel"
//   2. an arena of 256 bytes -> "arena too small: the model needs N bytes"
//   3. then exit status 1 through the same path every example uses on an error.
import SwiftletFormat
import SwiftletMicro
import SwiftletMCU

let model: Model
do { model = try Model(bytes: g_model_bytes) } catch { Board.fail("Model(bytes:)", error) }

// 1. An operator the resolver lacks.
do {
    var interpreter = try MicroInterpreter(model: model, resolver: OpResolver([.softmax]), arena: Board.arena)
    try interpreter.allocateTensors()
    Console.write("check 1 FAILED: allocateTensors succeeded without FULLY_CONNECTED")
    Console.newline()
} catch {
    Board.report("check 1 (missing kernel)", error)
}

// 2. An arena that is too small.
let small = UnsafeMutableRawBufferPointer(rebasing: Board.arena[0..<256])
var interpreter: MicroInterpreter
do {
    interpreter = try MicroInterpreter(model: model, resolver: g_model_resolver, arena: small)
} catch { Board.fail("MicroInterpreter", error) }
do {
    try interpreter.allocateTensors()
    Console.write("check 2 FAILED: allocateTensors succeeded in 256 bytes")
    Console.newline()
} catch {
    Board.fail("check 2 (arena)", error)   // exits with 1
}
Console.write("error_checks: no error exit")
Console.newline()
