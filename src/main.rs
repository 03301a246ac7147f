fn main() {
    println!("detente {}", env!("CARGO_PKG_VERSION"));
}
