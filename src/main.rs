#[tokio::main]
async fn main() -> anyhow::Result<()> {
    switchboard::server::startup::main().await
}
