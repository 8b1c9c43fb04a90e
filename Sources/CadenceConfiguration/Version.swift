/// The version of cadenced and cadencectl.
public enum CadenceVersion {
    public static let string = "0.1.0"
}
