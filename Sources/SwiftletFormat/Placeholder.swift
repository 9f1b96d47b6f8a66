public enum SwiftletFormatPlaceholder {}
