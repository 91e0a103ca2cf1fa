//! `bianmin`: the command-line face of the core, for scripts, tests and the
//! center's administrator. Each command parses its arguments, calls one core
//! function and prints the result (Chinese text, or JSON with `--json`).
//! A refusal prints its Chinese message on stderr and exits with status 1.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
