/// The custom kernels by name: `OpResolver([.signalWindow, .signalRfft, ...])`.
/// Each is its own entry, so firmware links only the ones it registers.
extension KernelRegistration {
    public static var signalWindow: KernelRegistration { SignalWindow.registration }
    public static var signalFftAutoScale: KernelRegistration { SignalFftAutoScale.registration }
    public static var signalRfft: KernelRegistration { SignalRfft.registration }
    public static var signalEnergy: KernelRegistration { SignalEnergy.registration }
    public static var signalFilterBank: KernelRegistration { SignalFilterBank.registration }
    public static var signalFilterBankSquareRoot: KernelRegistration { SignalFilterBankSquareRoot.registration }
    public static var signalFilterBankSpectralSubtraction: KernelRegistration { SignalFilterBankSpectralSubtraction.registration }
    public static var signalPCAN: KernelRegistration { SignalPCAN.registration }
    public static var signalFilterBankLog: KernelRegistration { SignalFilterBankLog.registration }
    public static var circularBuffer: KernelRegistration { CircularBuffer.registration }
    public static var signalFramer: KernelRegistration { SignalFramer.registration }
    public static var signalStacker: KernelRegistration { SignalStacker.registration }
    public static var signalDelay: KernelRegistration { SignalDelay.registration }
    public static var signalOverlapAdd: KernelRegistration { SignalOverlapAdd.registration }
    public static var signalIrfft: KernelRegistration { SignalIrfft.registration }
    public static var detectionPostProcess: KernelRegistration { DetectionPostProcess.registration }
}

extension OpResolver {
    /// Every custom kernel Swiftlet has (the signal library's ops, CIRCULAR_BUFFER and TFLite_Detection_PostProcess).
    public static var customKernels: [KernelRegistration] {
        [.signalWindow, .signalFftAutoScale, .signalRfft, .signalEnergy, .signalFilterBank, .signalFilterBankSquareRoot,
         .signalFilterBankSpectralSubtraction, .signalPCAN, .signalFilterBankLog, .circularBuffer,
         .signalFramer, .signalStacker, .signalDelay, .signalOverlapAdd, .signalIrfft, .detectionPostProcess]
    }
}
