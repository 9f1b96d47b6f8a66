// Board.swift: Swift's view of the board (Support/runtime.c via module SwiftletMCU).
// Compiled into every firmware image together with the runtime and the example.
// Printing here never allocates, so it works after the heap is sealed.
import SwiftletMCU

public enum Console {
    /// Writes a static string.
    public static func write(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            for byte in bytes { mcu_putc(Int32(byte)) }
        }
    }

    /// Writes a decimal integer.
    public static func write(_ value: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes of room, no heap
        var magnitude = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(truncatingIfNeeded: magnitude % 10) + 48
                magnitude /= 10
                count += 1
            } while magnitude != 0
            if value < 0 { mcu_putc(45) }
            while count > 0 {
                count -= 1
                mcu_putc(Int32(buffer[count]))
            }
        }
    }

    /// Writes a NUL-terminated C string.
    public static func write(cString: UnsafePointer<CChar>) { mcu_puts(cString) }

    /// Writes bytes as lower-case hexadecimal, two digits each, no separators.
    public static func writeHex(_ bytes: UnsafeRawBufferPointer) {
        let digits: StaticString = "0123456789abcdef"
        for byte in bytes {
            mcu_putc(Int32(digits.utf8Start[Int(byte >> 4)]))
            mcu_putc(Int32(digits.utf8Start[Int(byte & 15)]))
        }
    }

    public static func write(_ value: Int32) { write(Int(value)) }
    public static func write(_ value: UInt32) { write(Int(value)) }

    /// Ends the line (the console sends whole lines).
    public static func newline() { mcu_putc(10) }
}

public enum Board {
    /// The CMSDK timer0 count (down-counting, 25 MHz; one tick = 40 instructions under -icount shift=0).
    @inline(__always) public static var ticks: UInt32 { mcu_ticks() }
    /// Instructions between two `ticks` readings (under QEMU -icount shift=0).
    public static func instructions(from start: UInt32, to end: UInt32) -> Int {
        Int(start &- end) * Int(MCU_INSTRUCTIONS_PER_TICK)
    }
    /// The static tensor arena.
    public static var arena: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: mcu_arena(), count: Int(mcu_arena_bytes()))
    }
    /// The target the firmware was built for (`cortex-m4`, ...).
    public static func writeTargetName() { Console.write(cString: mcu_target_name()) }
    /// Exits QEMU (semihosting) with `code`.
    public static func exit(_ code: Int32) -> Never { mcu_exit(code) }

    /// Prints a runtime error with the same facts as its `description`, but without
    /// building a String (that would link ~25 KB of String machinery), and exits with 1.
    public static func fail(_ stage: StaticString, _ error: MicroError) -> Never {
        report(stage, error)
        exit(1)
    }

    /// Prints `*** error in STAGE: message` for a runtime error (no String, no heap).
    public static func report(_ stage: StaticString, _ error: MicroError) {
        failHeader(stage)
        switch error {
        case .arenaTooSmall(let needed, let given):
            say("arena too small: the model needs ", needed, " bytes, the arena has ", given, " bytes")
            Console.write("; build with ARENA_BYTES=")
            Console.write(needed)
        case .unsupportedOperator(let code, let name, let version, let index):
            say("operator ", index, " (builtin code ", Int(code))
            if let name { Console.write(" "); Console.write(name) }
            say(", version ", Int(version), ") has no registered kernel; add it to the OpResolver")
        case .unsupportedCustomOperator(let index):
            say("operator ", index, " is a custom operator with no registered kernel")
        case .unsupportedType(let op, let tensor, let type):
            Console.write(op)
            say(": tensor ", tensor, " has type ", Int(type.rawValue))
            if let name = type.name { Console.write(" ("); Console.write(name); Console.write(")") }
            Console.write(", which this kernel does not support")
        case .invalidOperator(let op, let index, let reason):
            say("operator ", index, " (")
            Console.write(op); Console.write("): "); Console.write(reason)
        case .unsupportedFeature(let feature):
            Console.write("unsupported: "); Console.write(feature)
        case .notAllocated:
            Console.write("call allocateTensors() before invoke() or tensor access")
        case .ioIndexOutOfRange(let index, let count):
            say("input/output index ", index, " out of range (the model has ", count, ")")
        case .inputSizeMismatch(let index, let expected, let given):
            say("input ", index, " takes ", expected, " bytes, got "); Console.write(given)
        case .kernelFailure(let op, let reason):
            Console.write(op); Console.write(" failed: "); Console.write(reason)
        @unknown default:
            Console.write("runtime error")
        }
        Console.newline()
    }

    /// `fail` for model verification errors.
    public static func fail(_ stage: StaticString, _ error: FormatError) -> Never {
        failHeader(stage)
        switch error {
        case .tooSmall(let size): say("file is ", size, " bytes, too small to be a .tflite model")
        case .wrongFileIdentifier(let found): say("not a .tflite model (bytes 4-7 are ", Int(found), ", expected TFL3)")
        case .unsupportedSchemaVersion(let found): say("schema version ", Int(found), " (expected 3)")
        case .outOfBounds(let what, let offset): Console.write(what); say(" at offset ", offset, " reaches outside the file")
        case .misaligned(let what, let offset): Console.write(what); say(" at offset ", offset, " is misaligned")
        case .invalidVTable(let table, let offset): Console.write(table); say(": invalid vtable at offset ", offset)
        case .unterminatedString(let offset): say("unterminated string at offset ", offset)
        case .indexOutOfRange(let what, let index, let count): Console.write(what); say(" index ", index, " out of range (count ", count, ")")
        case .invalidValue(let what, let value): Console.write(what); say(": invalid value ", value)
        case .tooComplex(let tables): say("too complex to verify (", tables, " tables)")
        case .invalidOfflineMemoryAllocation(let reason): Console.write("OfflineMemoryAllocation: "); Console.write(reason)
        default: Console.write("malformed model")
        }
        Console.newline()
        exit(1)
    }

    private static func failHeader(_ stage: StaticString) {
        Console.write("*** error in ")
        Console.write(stage)
        Console.write(": ")
    }

    private static func say(_ a: StaticString, _ b: Int, _ c: StaticString = "", _ d: Int? = nil, _ e: StaticString = "") {
        Console.write(a); Console.write(b); Console.write(c)
        if let d { Console.write(d) }
        Console.write(e)
    }

    /// One line of memory facts: arena, heap pool, stack.
    public static func reportMemory(arenaUsed: Int) {
        Console.write("memory: arena used ")
        Console.write(arenaUsed)
        Console.write(" of ")
        Console.write(Int(mcu_arena_bytes()))
        Console.write(" B static; heap peak ")
        Console.write(mcu_heap_peak())
        Console.write(" of ")
        Console.write(mcu_heap_capacity())
        Console.write(" B pool (sealed after allocateTensors); stack used ")
        Console.write(mcu_stack_used())
        Console.write(" of ")
        Console.write(mcu_stack_capacity())
        Console.write(" B")
        Console.newline()
    }
}
