// `sqlx::migrate!` embeds migrations/ when the crate compiles; stable Rust
// cannot tell cargo to watch that directory from the macro, so a new
// migration would otherwise not reach a build until some source changed.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
