//! The `detente` binary: a thin shell over the library's `cli` module.

use clap::Parser;

fn main() {
    let cli = detente::cli::Cli::parse();
    std::process::exit(detente::cli::main_with(cli));
}
