//! A real SMTP server on loopback (mailin-embedded), started by a test, that keeps what it
//! receives so the test can read the mail the portal sent.
use mailin_embedded::response::OK;
use mailin_embedded::{Handler, Response, Server, SslConfig};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
}

impl ReceivedMail {
    /// The first link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        self.text.split_whitespace().find(|word| word.starts_with(prefix)).map(str::to_string)
    }
}

#[derive(Clone)]
struct Collector {
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.from = from.to_string();
        self.to = to.to_vec();
        self.data.clear();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let parsed = mail_parser::MessageParser::default().parse(&self.data);
        let (subject, message_id, text, html) = match &parsed {
            Some(message) => (
                message.subject().unwrap_or_default().to_string(),
                message.message_id().unwrap_or_default().to_string(),
                message.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
                message.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
            ),
            None => Default::default(),
        };
        self.inbox.lock().unwrap().push(ReceivedMail {
            from: self.from.clone(),
            to: self.to.clone(),
            subject,
            message_id,
            text,
            html,
        });
        OK
    }
}

pub struct TestMailServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl TestMailServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the test SMTP server");
        let port = listener.local_addr().unwrap().port();
        Self::serve(listener, port)
    }

    /// Starts on a port that was free a moment ago (a test of retries starts the server late).
    pub fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the test SMTP server");
        Self::serve(listener, port)
    }

    fn serve(listener: TcpListener, port: u16) -> Self {
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let collector = Collector { inbox: inbox.clone(), from: String::new(), to: Vec::new(), data: Vec::new() };
        let mut server = Server::new(collector);
        server.with_name("smtp.test").with_ssl(SslConfig::None).expect("no TLS").with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        TestMailServer { port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.inbox.lock().unwrap().clone()
    }

    /// Waits until a mail to `to` whose subject contains `subject` arrives.
    pub async fn wait_for(&self, to: &str, subject: &str) -> ReceivedMail {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self
                .received()
                .into_iter()
                .rev()
                .find(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)) && m.subject.contains(subject));
            if let Some(mail) = found {
                return mail;
            }
            assert!(Instant::now() < deadline, "no mail to {to} about {subject:?}; received: {:#?}", self.received());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
