/// Placeholder until the Systemd module lands on main; lets the package build on this branch.
enum SystemdPlaceholder {}
