use clap::Parser;
use std::process::ExitCode;
use weft::cli::{AdminCommand, Cli, Command, ConfigCommand, ImportCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("weft: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(*args).await,
            Command::Admin(AdminCommand::CreateUser(args)) => weft::cli::create_user(args).await,
            Command::Admin(AdminCommand::Migrate(args)) => weft::cli::migrate(args).await,
            Command::Admin(AdminCommand::MailStatus(args)) => weft::cli::mail_status(args).await,
            Command::Admin(AdminCommand::Invite(args)) => weft::cli::invite(args).await,
            Command::Admin(AdminCommand::ResetPassword(args)) => weft::cli::reset_password(args).await,
            Command::Admin(AdminCommand::Backup(args)) => weft::backup::backup(args).await,
            Command::Admin(AdminCommand::Restore(args)) => weft::backup::restore(args).await,
            Command::Admin(AdminCommand::Export(args)) => weft::transfer::export(args).await,
            Command::Admin(AdminCommand::Import(ImportCommand::Weft(args))) => weft::transfer::import(args).await,
            Command::Admin(AdminCommand::Import(ImportCommand::Slack(args))) => weft::cli::import_slack(args).await,
            Command::Admin(AdminCommand::Status(args)) => {
                // Unhealthy is not a failure of the command: it has its own exit status.
                return weft::cli::status(args).await.map(|healthy| if healthy { None } else { Some(2) });
            }
            Command::Config(ConfigCommand::Example) => {
                print!("{}", weft::config::EXAMPLE);
                Ok(())
            }
            Command::Openapi => {
                println!("{:#}", weft::app::openapi_document());
                Ok(())
            }
        }
        .map(|()| None)
    });
    match result {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(code)) => ExitCode::from(code),
        Err(e) => {
            eprintln!("weft: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: weft::cli::ServeArgs) -> Result<(), String> {
    let config = weft::cli::serve_config(&args)?;
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log).map_err(|e| format!("--log: {e}"))?;
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match config.log_format {
        weft::config::LogFormat::Text => logs.init(),
        // One JSON object per line, the event's fields flattened beside its message.
        weft::config::LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    // One server per data directory; `weft admin restore` takes the same lock.
    let _data_lock = match &config.database_url {
        None => Some(weft_store::backup::lock_data_dir(&config.data)?),
        Some(_) => None,
    };
    let store = config.open_store().map_err(|e| format!("cannot open the database: {e}"))?;
    let users = store.read(|tx| tx.user_count()).await.map_err(|e| e.to_string())?;
    let data = config.location().describe();
    let data_flag = match &config.database_url {
        Some(_) => "--database-url …".to_string(),
        None => format!("--data {}", config.data.display()),
    };
    let server =
        weft::Server::start(config, store, weft::cli::clock()).await.map_err(|e| format!("cannot listen: {e}"))?;
    tokio::spawn(weft::memory::run_trimmer(server.app.clone()));
    let url = format!("http://{}", server.addr);
    println!("Weft {} is listening on {url}", env!("CARGO_PKG_VERSION"));
    println!("Data: {data}");
    match &server.app.config.smtp_url {
        Some(smtp) => println!(
            "Email: through {} as {}; links start with {}",
            weft::mail::redact(smtp),
            server.app.config.mail_from.as_deref().unwrap_or_default(),
            server.app.base_url
        ),
        None => println!("Email: off (set --smtp-url and --mail-from to send notification email)"),
    }
    if users == 0 {
        println!("Open {url}/ in your browser to create the first account and workspace.");
        println!(
            "  (or from a terminal: weft admin create-user {data_flag} --email you@example.com --name \"Your Name\" --password '…')"
        );
    } else {
        println!("Open {url}/ in your browser and sign in.");
    }
    println!("API: {url}/api/v3/  (described at {url}/api/v3/openapi.json)");
    match (server.metrics_addr, server.app.config.metrics_token.is_some()) {
        (Some(at), true) => println!("Metrics: http://{at}/metrics, and {url}/metrics with the metrics token"),
        (Some(at), false) => println!("Metrics: http://{at}/metrics"),
        (None, true) => println!("Metrics: {url}/metrics with the metrics token"),
        (None, false) => println!("Metrics: off (set --metrics-listen or --metrics-token to serve /metrics)"),
    }
    if let Some(dir) = &server.app.config.web_dir {
        println!("Web app: served from {} (open pages reload when it changes)", dir.display());
    }
    println!("Stop with Ctrl-C.");
    shutdown_signal().await;
    println!("Shutting down: finishing requests and closing the database…");
    server.stop().await;
    println!("Stopped.");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
