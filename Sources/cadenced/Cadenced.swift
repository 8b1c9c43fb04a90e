@main struct Cadenced { static func main() { print("cadenced") } }
