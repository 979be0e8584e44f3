//! Staff accounts from the command line: `onetrip-server admin …` for the administrator, and
//! `onetrip-server seed` for demo accounts (a newcomer's whole loop, or a tester's deployment).
//! Passwords come from the environment or standard input, never from a flag (flags show in
//! `ps` and shell history).

use std::io::BufRead;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::clock::{Clock, SystemClock};
use crate::staff_auth::{MIN_PASSWORD_CHARS, hash_password, new_account};
use crate::storage::{self, StaffRow, StorageError};

#[derive(Parser, Debug)]
#[command(name = "onetrip-server", about = "一次办: staff accounts")]
pub struct Cli {
    /// `sqlite://path/to/file.db` (default) or `postgres://user@host:port/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/onetrip.db",
        global = true
    )]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Top,
}

#[derive(Subcommand, Debug)]
pub enum Top {
    /// Manage staff accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Create the demo staff accounts that do not exist yet: `window`, `supervisor`, and one per
    /// department of the catalogue (its code). The password is `ONETRIP_DEMO_PASSWORD`, or a
    /// random one printed once.
    Seed {
        /// The catalogue whose departments get an account.
        #[arg(long, env = "ONETRIP_CATALOG", default_value = "catalog")]
        catalog: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Add an account; the password is read from `ONETRIP_NEW_PASSWORD` or the first line of
    /// standard input.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// window, department, bank, supervisor or admin.
        #[arg(long)]
        role: String,
        /// The department's code, for the department role.
        #[arg(long)]
        department: Option<String>,
        /// The bank's code in `banks.toml`, for the bank role (预约开户).
        #[arg(long)]
        bank: Option<String>,
    },
    /// Set a new password (from `ONETRIP_NEW_PASSWORD` or standard input).
    Password {
        #[arg(long)]
        username: String,
    },
    /// Stop an account from signing in; its sessions end at once.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Let a disabled account sign in again.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// List the accounts.
    List,
}

/// Whether the arguments name a command of this module (the server's own flags otherwise).
pub fn is_command(args: &[String]) -> bool {
    matches!(args.get(1).map(String::as_str), Some("admin" | "seed"))
}

fn new_password() -> anyhow::Result<String> {
    let password = match std::env::var("ONETRIP_NEW_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            eprintln!("新密码（至少 {MIN_PASSWORD_CHARS} 个字符），回车结束：");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password needs at least {MIN_PASSWORD_CHARS} characters");
    }
    Ok(password)
}

async fn account(db: &dyn storage::Storage, username: &str) -> anyhow::Result<StaffRow> {
    db.staff_by_username(username)
        .await?
        .with_context(|| format!("no account named {username}"))
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let db = storage::open(&cli.database_url).await?;
    let now = SystemClock.now();
    match cli.command {
        Top::Admin(AdminCommand::Add {
            username,
            name,
            role,
            department,
            bank,
        }) => {
            let row = new_account(
                &username,
                &name,
                &role,
                department.as_deref(),
                bank.as_deref(),
                &new_password()?,
                now,
            )?;
            match db.insert_staff(row).await {
                Err(StorageError::IdTaken) => bail!("the username {username} is taken"),
                other => other?,
            }
            println!("added {username} ({role})");
        }
        Top::Admin(AdminCommand::Password { username }) => {
            let row = account(db.as_ref(), &username).await?;
            let hash = hash_password(&new_password()?)?;
            db.update_staff(StaffRow {
                password_hash: hash,
                ..row
            })
            .await?;
            println!("password of {username} changed");
        }
        Top::Admin(AdminCommand::Disable { username }) => {
            set_active(db.as_ref(), &username, false).await?;
        }
        Top::Admin(AdminCommand::Enable { username }) => {
            set_active(db.as_ref(), &username, true).await?;
        }
        Top::Admin(AdminCommand::List) => {
            for s in db.staff_list().await? {
                println!(
                    "{}\t{}\t{}{}\t{}",
                    s.username,
                    s.name,
                    s.role,
                    s.department
                        .or(s.bank)
                        .map(|d| format!(":{d}"))
                        .unwrap_or_default(),
                    if s.active { "active" } else { "disabled" }
                );
            }
        }
        Top::Seed { catalog } => seed(db.as_ref(), &catalog, now).await?,
    }
    Ok(())
}

async fn set_active(db: &dyn storage::Storage, username: &str, active: bool) -> anyhow::Result<()> {
    let row = account(db, username).await?;
    db.update_staff(StaffRow { active, ..row }).await?;
    println!("{username} {}", if active { "enabled" } else { "disabled" });
    Ok(())
}

/// A demo account: username, name, role, and the department or bank it belongs to.
pub struct DemoAccount {
    pub username: String,
    pub name: String,
    pub role: &'static str,
    pub department: Option<String>,
    pub bank: Option<String>,
}

impl DemoAccount {
    /// The account's row, with `password`.
    pub fn row(&self, password: &str, now: crate::clock::Timestamp) -> anyhow::Result<StaffRow> {
        new_account(
            &self.username,
            &self.name,
            self.role,
            self.department.as_deref(),
            self.bank.as_deref(),
            password,
            now,
        )
    }
}

/// The demo accounts: `window`, `supervisor`, each department's code and each bank's code.
pub fn demo_accounts(
    departments: &[(String, String)],
    banks: &[(String, String)],
) -> Vec<DemoAccount> {
    let plain = |role: &'static str, name: &str| DemoAccount {
        username: role.to_owned(),
        name: name.to_owned(),
        role,
        department: None,
        bank: None,
    };
    let mut out = vec![
        plain("window", "综合窗口（演示）"),
        plain("supervisor", "督办（演示）"),
    ];
    for (code, name) in departments {
        out.push(DemoAccount {
            username: code.clone(),
            name: format!("{name}（演示）"),
            role: "department",
            department: Some(code.clone()),
            bank: None,
        });
    }
    // One per bank of 预约开户 (`hzbank`), seeing only the applications that chose it.
    for (code, name) in banks {
        out.push(DemoAccount {
            username: code.clone(),
            name: format!("{name}（演示）"),
            role: "bank",
            department: None,
            bank: Some(code.clone()),
        });
    }
    out
}

async fn seed(
    db: &dyn storage::Storage,
    catalog: &std::path::Path,
    now: crate::clock::Timestamp,
) -> anyhow::Result<()> {
    let loaded = crate::catalog::load(catalog)
        .with_context(|| format!("the catalogue in {}", catalog.display()))?;
    let departments: Vec<(String, String)> = loaded
        .catalog
        .departments
        .iter()
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect();
    let (password, generated) = match std::env::var("ONETRIP_DEMO_PASSWORD") {
        Ok(p) if p.chars().count() >= MIN_PASSWORD_CHARS => (p, false),
        Ok(p) if !p.is_empty() => {
            bail!("ONETRIP_DEMO_PASSWORD needs at least {MIN_PASSWORD_CHARS} characters")
        }
        _ => (
            format!(
                "demo-{}",
                crate::routes::ids::random(12).map_err(|_| anyhow::anyhow!("no randomness"))?
            ),
            true,
        ),
    };
    let mut created = Vec::new();
    let banks: Vec<(String, String)> = loaded
        .catalog
        .banks
        .iter()
        .map(|b| (b.code.clone(), b.name.clone()))
        .collect();
    for account in demo_accounts(&departments, &banks) {
        if db.staff_by_username(&account.username).await?.is_some() {
            continue;
        }
        let row = account.row(&password, now)?;
        db.insert_staff(row).await?;
        created.push(account.username);
    }
    if created.is_empty() {
        println!("demo staff accounts: all exist already (passwords unchanged)");
        return Ok(());
    }
    println!("demo staff accounts created: {}", created.join(", "));
    if generated {
        println!("their password (shown once): {password}");
    } else {
        println!("their password: the one in ONETRIP_DEMO_PASSWORD");
    }
    Ok(())
}
