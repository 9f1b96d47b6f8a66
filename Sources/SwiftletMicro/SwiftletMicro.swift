/// Placeholder: the micro interpreter arrives with its issue.
public enum SwiftletMicro { /// Version of the runtime.
 public static let version = "0.1.0" }
