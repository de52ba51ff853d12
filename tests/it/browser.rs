//! A tiny W3C WebDriver client for the browser tests: chromedriver started on a free
//! loopback port, JSON over `std::net::TcpStream`, one headless Chromium per session
//! with a fresh profile and no name resolution (`MAP * ~NOTFOUND`), so nothing a page
//! asks for can leave the machine.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A running chromedriver, stopped when dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts chromedriver, or prints one `SKIPPED` line for `test` and returns `None`
    /// when Chromium or chromedriver is not installed.
    pub fn start(test: &str) -> Option<Driver> {
        for program in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(program).exists() {
                eprintln!(
                    "SKIPPED {test}: {program} not found (apt-get install chromium chromium-driver)"
                );
                return None;
            }
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok((200, body)) = driver.http("GET", "/status", None)
                && body["value"]["ready"] == true
            {
                return Some(driver);
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A new headless Chromium with an empty profile in `profile`.
    pub fn session(&self, profile: &Path, width: u32, height: u32) -> Session<'_> {
        let args = [
            "--headless".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--disable-dev-shm-usage".to_string(),
            "--host-resolver-rules=MAP * ~NOTFOUND".to_string(),
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={width},{height}"),
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
            "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"},
        }}});
        let value = self.call("POST", "/session", Some(&capabilities));
        let id = value["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        Session { driver: self, id }
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, body) = self.http(method, path, body).unwrap();
        assert_eq!(status, 200, "{method} {path}: {body}");
        body["value"].clone()
    }

    /// One HTTP/1.1 request, the response read to its Content-Length.
    fn http(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> std::io::Result<(u16, Value)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(90)))?;
        let body = body.map(Value::to_string).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json; \
             charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        let mut raw = Vec::new();
        let mut buffer = [0; 64 * 1024];
        let (head_end, length) = loop {
            let read = stream.read(&mut buffer)?;
            if read == 0 {
                return Err(std::io::Error::other(
                    "connection closed before the headers",
                ));
            }
            raw.extend_from_slice(&buffer[..read]);
            if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&raw[..at]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse::<usize>().ok());
                break (at + 4, length);
            }
        };
        match length {
            Some(length) => {
                while raw.len() < head_end + length {
                    let read = stream.read(&mut buffer)?;
                    if read == 0 {
                        break;
                    }
                    raw.extend_from_slice(&buffer[..read]);
                }
            }
            None => {
                stream.read_to_end(&mut raw)?;
            }
        }
        let head = String::from_utf8_lossy(&raw[..head_end]);
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        let value = serde_json::from_slice(&raw[head_end..]).unwrap_or(Value::Null);
        Ok((status, value))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.http("GET", "/shutdown", None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser window.
pub struct Session<'d> {
    driver: &'d Driver,
    id: String,
}

impl Session<'_> {
    // Callers build the body inline with `json!`: taking it by value reads better.
    #[allow(clippy::needless_pass_by_value)]
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver.call(
            method,
            &format!("/session/{}{path}", self.id),
            body.as_ref(),
        )
    }

    pub fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    pub fn run(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// The element `css` finds (the first).
    pub fn find(&self, css: &str) -> String {
        self.find_by("css selector", css)
    }

    pub fn find_by(&self, using: &str, value: &str) -> String {
        let element = self.call(
            "POST",
            "/element",
            Some(json!({"using": using, "value": value})),
        );
        element
            .as_object()
            .and_then(|object| object.values().next())
            .and_then(Value::as_str)
            .expect("an element reference")
            .to_string()
    }

    pub fn click(&self, element: &str) {
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    pub fn type_into(&self, element: &str, text: &str) {
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        );
    }

    pub fn clear(&self, element: &str) {
        self.call(
            "POST",
            &format!("/element/{element}/clear"),
            Some(json!({})),
        );
    }

    pub fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// A PNG of the window.
    pub fn screenshot(&self) -> Vec<u8> {
        let data = self.call("GET", "/screenshot", None);
        base64(data.as_str().expect("base64 PNG"))
    }

    /// Chromium's log of `kind` (`browser`: the console; `performance`: DevTools
    /// events) since the last call.
    pub fn log(&self, kind: &str) -> Vec<Value> {
        self.call("POST", "/se/log", Some(json!({"type": kind})))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Every URL the browser requested since the last call, from DevTools' network events.
    pub fn requests(&self) -> Vec<String> {
        self.log("performance")
            .iter()
            .filter_map(|entry| serde_json::from_str::<Value>(entry["message"].as_str()?).ok())
            .filter(|message| message["message"]["method"] == "Network.requestWillBeSent")
            .filter_map(|message| {
                message["message"]["params"]["request"]["url"]
                    .as_str()
                    .map(str::to_string)
            })
            .collect()
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self
            .driver
            .http("DELETE", &format!("/session/{}", self.id), None);
    }
}

/// Standard base64, as WebDriver sends screenshots.
fn base64(text: &str) -> Vec<u8> {
    let value = |byte: u8| -> Option<u32> {
        Some(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut bits = 0u32;
    let mut count = 0;
    for byte in text.bytes().filter_map(value) {
        bits = bits << 6 | byte;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}
