/// Placeholder entry point until the real executable lands on main.
@main
enum Placeholder {
    static func main() {}
}
