/// Graph IR, importers and the quantizer arrive with their issues.
public enum SwiftletConvert {}
