/// A development board a model may be deployed to, with the flash and RAM its
/// microcontroller's datasheet gives. `fit(modelBytes:arenaBytes:)` says
/// whether a model (in flash) and its tensor arena (in RAM) fit, and what
/// share of each they take; the firmware (runtime, application, stack) needs
/// the rest.
public struct Board: Equatable, Sendable {
    /// The board's name.
    public var name: String
    /// Its microcontroller.
    public var microcontroller: String
    /// Flash available for code and the model, in bytes.
    public var flashBytes: Int
    /// RAM available for the arena, stack and data, in bytes.
    public var ramBytes: Int
    /// Where the figures come from.
    public var source: String

    public init(name: String, microcontroller: String, flashBytes: Int, ramBytes: Int, source: String) {
        self.name = name
        self.microcontroller = microcontroller
        self.flashBytes = flashBytes
        self.ramBytes = ramBytes
        self.source = source
    }

    /// The boards `swiftlet demo` checks, with their datasheet figures.
    public static let catalog: [Board] = [
        // nRF52840 Product Specification v1.7, section 1 "Key features": 1 MB flash, 256 KB RAM.
        Board(name: "Arduino Nano 33 BLE Sense", microcontroller: "nRF52840 (Cortex-M4F, 64 MHz)",
              flashBytes: 1024 * 1024, ramBytes: 256 * 1024,
              source: "nRF52840 Product Specification: 1 MB flash, 256 KB RAM"),
        // STM32F746xx datasheet (DS10916), "Features": 1 Mbyte flash; 320 Kbytes SRAM
        // (including 64 Kbytes of DTCM RAM), plus 4 Kbytes of backup SRAM not counted here.
        Board(name: "STM32F746G-DISCO", microcontroller: "STM32F746NG (Cortex-M7, 216 MHz)",
              flashBytes: 1024 * 1024, ramBytes: 320 * 1024,
              source: "STM32F746xx datasheet DS10916: 1 MB flash, 320 KB SRAM"),
        // RP2040 datasheet, section 1 and 2.6: 264 KB on-chip SRAM in six banks, no on-chip flash;
        // the Raspberry Pi Pico datasheet: 2 MB QSPI flash (W25Q16JV) on the board.
        Board(name: "Raspberry Pi Pico", microcontroller: "RP2040 (dual Cortex-M0+, 133 MHz)",
              flashBytes: 2 * 1024 * 1024, ramBytes: 264 * 1024,
              source: "RP2040 datasheet: 264 KB SRAM; Pico datasheet: 2 MB external QSPI flash"),
    ]

    /// How a model fits a board.
    public struct Fit: Equatable, Sendable {
        /// The board.
        public var board: Board
        /// The model's share of the flash, 0...1 (more when it does not fit).
        public var flashShare: Double
        /// The arena's share of the RAM.
        public var ramShare: Double
        /// Whether both fit.
        public var fits: Bool { flashShare <= 1 && ramShare <= 1 }
    }

    /// The shares of flash and RAM a model of `modelBytes` with an arena of `arenaBytes` takes.
    public func fit(modelBytes: Int, arenaBytes: Int) -> Fit {
        Fit(board: self, flashShare: Double(modelBytes) / Double(flashBytes), ramShare: Double(arenaBytes) / Double(ramBytes))
    }
}
