//! The admin CLI as an operator runs it: the real binary, a fresh SQLite
//! database, exit codes, and what goes to stdout versus stderr.

#![cfg(feature = "ssr")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use clap::Parser;
use switchboard::server::config::Cli as Switchboard;
use switchboard::server::ports::Ports;
use switchboard::server::services::tokens;

struct Cli {
    dir: std::path::PathBuf,
}

impl Cli {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "switchboard-cli-{}-{}",
            std::process::id(),
            rand_suffix()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Cli { dir }
    }

    fn database_url(&self) -> String {
        format!("sqlite://{}/cli.db", self.dir.display())
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args(args)
            .env("DATABASE_URL", self.database_url())
            .env("RUST_LOG", "warn")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run switchboard");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .expect("write stdin");
        }
        child.wait_with_output().expect("wait")
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn tenants_users_and_tokens_from_the_command_line() {
    let cli = Cli::new();
    let created = cli.run(&["tenants", "create", "acme-labs"], None);
    assert!(created.status.success(), "{}", text(&created.stderr));
    assert!(text(&created.stdout).contains("created tenant acme-labs (Acme Labs"));

    let again = cli.run(&["tenants", "create", "acme-labs"], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    let bad = cli.run(&["tenants", "create", "Not A Slug"], None);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("is not a tenant slug"));

    cli.run(
        &["tenants", "create", "globex", "--name", "Globex Corp"],
        None,
    );
    let list = text(&cli.run(&["tenants", "list"], None).stdout);
    let slugs: Vec<&str> = list.lines().filter_map(|l| l.split('\t').next()).collect();
    assert_eq!(slugs, ["acme-labs", "globex"], "{list}");
    assert!(list.contains("Globex Corp"));

    // A piped password is used as given; it never appears in the output.
    let piped = cli.run(
        &[
            "users",
            "create",
            "--tenant",
            "acme-labs",
            "--username",
            "ann",
            "--email",
            "Ann@Acme.test",
            "--role",
            "admin",
        ],
        Some("a-long-enough-password\n"),
    );
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    let out = text(&piped.stdout) + &text(&piped.stderr);
    assert!(
        out.contains("created user ann <ann@acme.test> as admin of acme-labs"),
        "{out}"
    );
    assert!(!out.contains("a-long-enough-password"));

    // Without one, a password is generated and printed once.
    let generated = cli.run(
        &[
            "users",
            "create",
            "--tenant",
            "acme-labs",
            "--username",
            "max",
            "--email",
            "max@acme.test",
            "--role",
            "member",
        ],
        None,
    );
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let stdout = text(&generated.stdout);
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("a generated password");
    assert!(password.len() >= 20);

    for (args, stdin, message) in [
        (
            vec![
                "--tenant",
                "nope",
                "--username",
                "x",
                "--email",
                "x@y.test",
                "--role",
                "admin",
            ],
            None,
            "no tenant",
        ),
        (
            vec![
                "--tenant",
                "acme-labs",
                "--username",
                "ann",
                "--email",
                "other@acme.test",
                "--role",
                "admin",
            ],
            None,
            "already exists",
        ),
        (
            vec![
                "--tenant",
                "acme-labs",
                "--username",
                "zed",
                "--email",
                "not-an-email",
                "--role",
                "admin",
            ],
            None,
            "not an email",
        ),
        (
            vec![
                "--tenant",
                "acme-labs",
                "--username",
                "zed",
                "--email",
                "z@acme.test",
                "--role",
                "admin",
            ],
            Some("short\n"),
            "at least 12",
        ),
    ] {
        let mut full = vec!["users", "create"];
        full.extend(args);
        let r = cli.run(&full, stdin);
        assert_eq!(r.status.code(), Some(1), "{full:?}");
        assert!(
            text(&r.stderr).contains(message),
            "{full:?}: {}",
            text(&r.stderr)
        );
    }
    let bad_role = cli.run(
        &[
            "users",
            "create",
            "--tenant",
            "acme-labs",
            "--username",
            "q",
            "--email",
            "q@acme.test",
            "--role",
            "owner",
        ],
        None,
    );
    assert_eq!(
        bad_role.status.code(),
        Some(2),
        "clap refuses an unknown role"
    );

    // A token: stdout carries it alone, and it works.
    let made = cli.run(
        &[
            "tokens",
            "create",
            "--tenant",
            "acme-labs",
            "--user",
            "ann",
            "--name",
            "deploy",
        ],
        None,
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let stdout = text(&made.stdout);
    let token = stdout.trim();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(token.starts_with("sbt_"), "{token}");
    assert!(text(&made.stderr).contains("shown only once"));
    let not_member = cli.run(
        &["tokens", "create", "--tenant", "globex", "--user", "ann"],
        None,
    );
    assert_eq!(not_member.status.code(), Some(1));
    assert!(text(&not_member.stderr).contains("not a member"));
    // A runtime token: admins only, and it is not a user's token.
    let member_runtime = cli.run(
        &[
            "tokens",
            "create",
            "--tenant",
            "acme-labs",
            "--user",
            "max",
            "--runtime",
        ],
        None,
    );
    assert_eq!(member_runtime.status.code(), Some(1));
    assert!(
        text(&member_runtime.stderr).contains("only admins may hold runtime tokens"),
        "{}",
        text(&member_runtime.stderr)
    );
    let runtime = cli.run(
        &[
            "tokens",
            "create",
            "--tenant",
            "acme-labs",
            "--user",
            "ann",
            "--runtime",
            "--name",
            "edge",
        ],
        None,
    );
    assert!(runtime.status.success(), "{}", text(&runtime.stderr));
    let runtime_token = text(&runtime.stdout).trim().to_owned();

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        // The ports the commands built, on the same configuration.
        let args = Switchboard::parse_from(["switchboard", "--database-url", &cli.database_url()]);
        let ports = Ports::open(&args.config).await.expect("ports");
        let actor = tokens::actor_for_token(&ports, token, "127.0.0.1", 10)
            .await
            .expect("the printed token authenticates");
        assert_eq!(
            (actor.username.as_str(), actor.tenant_slug.as_str()),
            ("ann", "acme-labs")
        );
        assert_eq!(actor.role, switchboard::domain::Role::Admin);
        let refused = tokens::actor_for_token(&ports, &runtime_token, "127.0.0.1", 10).await;
        assert!(refused.is_err(), "a runtime token is no user's token");
        let runtime = tokens::runtime_for_token(&ports, &runtime_token, "127.0.0.1", 10)
            .await
            .expect("the runtime token resolves");
        assert!(runtime.label.contains("edge"), "{}", runtime.label);
    });
}

#[test]
fn secrets_are_never_taken_as_command_line_flags() {
    // A flag would show the secret to anyone listing processes; the
    // environment (or stdin, for passwords) is the only way in.
    let cli = Cli::new();
    let key = "ab".repeat(32);
    for args in [
        vec!["--vault-key", key.as_str(), "tenants", "list"],
        vec!["--admin-password", "hunter2hunter2", "tenants", "list"],
        vec!["vault", "rekey", "--new-key", key.as_str()],
    ] {
        let out = cli.run(&args, None);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("unexpected argument"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn agents_from_the_command_line() {
    let cli = Cli::new();
    assert!(
        cli.run(&["tenants", "create", "acme"], None)
            .status
            .success()
    );
    assert!(
        cli.run(&["tenants", "create", "globex"], None)
            .status
            .success()
    );

    let empty = cli.run(&["agents", "list", "--tenant", "acme"], None);
    assert!(empty.status.success(), "{}", text(&empty.stderr));
    assert_eq!(text(&empty.stdout), "");
    assert!(text(&empty.stderr).contains("has no agents yet"));

    let made = cli.run(
        &[
            "agents",
            "create",
            "--tenant",
            "acme",
            "--name",
            "Support Bot",
        ],
        None,
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let uid = text(&made.stdout).trim().to_owned();
    assert!(
        switchboard::domain::AgentUid::parse(&uid).is_some_and(|u| u.as_str() == uid),
        "stdout carries the canonical UUID alone: {uid:?}"
    );
    assert!(text(&made.stderr).contains("created agent Support Bot (support-bot) in acme"));

    // The slug is unique per tenant, not across tenants.
    let clash = cli.run(
        &[
            "agents",
            "create",
            "--tenant",
            "acme",
            "--name",
            "support bot",
        ],
        None,
    );
    assert_eq!(clash.status.code(), Some(1));
    assert!(
        text(&clash.stderr).contains("already has the slug “support-bot”"),
        "{}",
        text(&clash.stderr)
    );
    let elsewhere = cli.run(
        &[
            "agents",
            "create",
            "--tenant",
            "globex",
            "--name",
            "Support Bot",
        ],
        None,
    );
    assert!(elsewhere.status.success(), "{}", text(&elsewhere.stderr));
    let bad_slug = cli.run(
        &[
            "agents", "create", "--tenant", "acme", "--name", "X", "--slug", "Bad Slug",
        ],
        None,
    );
    assert_eq!(bad_slug.status.code(), Some(1));
    assert!(text(&bad_slug.stderr).contains("Slug must be"));
    let no_tenant = cli.run(&["agents", "list", "--tenant", "nope"], None);
    assert_eq!(no_tenant.status.code(), Some(1));
    assert!(text(&no_tenant.stderr).contains("There is no tenant"));

    let list = text(
        &cli.run(&["agents", "list", "--tenant", "acme"], None)
            .stdout,
    );
    assert_eq!(list, format!("{uid}\tsupport-bot\tSupport Bot\n"));
}
