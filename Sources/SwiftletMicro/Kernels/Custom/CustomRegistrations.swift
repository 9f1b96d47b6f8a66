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
    public static var detectionPostProcess: KernelRegistration { DetectionPostProcess.registration }
}

extension OpResolver {
    /// Every custom kernel Swiftlet has (the audio front end and CIRCULAR_BUFFER).
    public static var customKernels: [KernelRegistration] {
        [.signalWindow, .signalFftAutoScale, .signalRfft, .signalEnergy, .signalFilterBank, .signalFilterBankSquareRoot,
         .signalFilterBankSpectralSubtraction, .signalPCAN, .signalFilterBankLog, .circularBuffer]
            + [.detectionPostProcess]
    }
}
