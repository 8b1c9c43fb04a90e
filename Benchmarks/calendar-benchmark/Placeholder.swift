/// Placeholder entry point until the benchmark lands on main.
@main
enum Placeholder {
    static func main() {}
}
