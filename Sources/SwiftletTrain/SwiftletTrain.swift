/// Model building and training arrive with their issue.
public enum SwiftletTrain {}
