"""A throwaway WordPress (Debian's package) on a free loopback port, with our plugin installed.

In: a folder for its files, the plugin's folder, and the plugin's settings. Out: a running site at
`url` (PHP's built-in server), its admin's name and password, and an application password for
its REST API. Its database is a private MariaDB server on a socket in the folder (never the
system's), stopped with the site.

Debian's tree in /usr/share/wordpress reads its configuration from /etc/wordpress, so the site
is a copy of that tree with a wp-config.php of its own (the translations left out).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from support.ports import free_port

WORDPRESS = Path("/usr/share/wordpress")
ADMIN, PASSWORD = "admin", "listen-test-password"

CONFIG = """<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp' );
define( 'DB_PASSWORD', 'wp' );
define( 'DB_HOST', 'localhost:{socket}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
define( 'WP_HOME', '{url}' );
define( 'WP_SITEURL', '{url}' );
// Application passwords over plain http on the loopback site.
define( 'WP_ENVIRONMENT_TYPE', 'local' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', '{folder}/debug.log' );
define( 'WP_DEBUG_DISPLAY', false );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'WP_ACCESSIBLE_HOSTS', '127.0.0.1,localhost' );
{salts}
$table_prefix = 'wp_';
if ( ! defined( 'ABSPATH' ) ) {{
	define( 'ABSPATH', __DIR__ . '/' );
}}
require_once ABSPATH . 'wp-settings.php';
"""

# Run once with PHP's command line: install the site, activate the plugin, save its settings and
# make an application password; print what the tests need as JSON.
INSTALL = """<?php
define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require __DIR__ . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$settings = json_decode( file_get_contents( $argv[1] ), true );
wp_install( 'Listen test site', '{admin}', 'admin@example.com', true, '', '{password}' );
update_option( 'listen_settings', $settings );
$activated = activate_plugin( 'listen/listen.php' );
if ( is_wp_error( $activated ) ) {{
	fwrite( STDERR, $activated->get_error_message() );
	exit( 1 );
}}
$user = get_user_by( 'login', '{admin}' );
list( $app_password ) = WP_Application_Passwords::create_new_application_password( $user->ID, array( 'name' => 'tests' ) );
echo json_encode( array( 'app_password' => $app_password ) );
"""


class WordPressMissing(RuntimeError):
    """Debian's wordpress, mariadb-server or php-cli is not installed."""


def missing() -> str:
    """What of WordPress's stack is not installed ("" when all is)."""
    needs = {
        "wordpress": (WORDPRESS / "wp-load.php").exists(),
        "mariadb-server": shutil.which("mariadb-install-db") is not None,
        "php-cli": shutil.which("php") is not None,
    }
    return " ".join(name for name, present in needs.items() if not present)


class WordPressSite:
    """A private MariaDB, a copy of Debian's WordPress and PHP's built-in server, in one folder."""

    def __init__(self, folder: Path, plugin: Path, settings: dict[str, Any], workers: int = 4):
        if missing():
            raise WordPressMissing(f"not installed: {missing()} (apt-get install them, or `make test`)")
        self.folder = folder
        self.plugin = plugin
        self.settings = settings
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.socket = folder / "mysql.sock"
        self.root = folder / "site"
        self.app_password = ""
        self.processes: list[subprocess.Popen] = []

    def start(self, timeout: float = 60) -> WordPressSite:
        self._start_database(timeout)
        self._copy_tree()
        self._install()
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": str(self.workers)}
        log = (self.folder / "php-server.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.root)],
                cwd=self.root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its workers are its children: stopped with it as a group
            )
        )
        self._wait(lambda: self._answers(self.url + "/wp-login.php"), timeout, "PHP's server did not answer")
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                # Each started as a group: PHP's server forks PHP_CLI_SERVER_WORKERS workers.
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

    def php(self, code: str) -> str:
        """Run PHP inside the site (WordPress loaded) and return what it printed."""
        script = self.root / "listen-test-snippet.php"
        script.write_text("<?php\nrequire __DIR__ . '/wp-load.php';\n" + code)
        try:
            done = subprocess.run(
                ["php", str(script)], cwd=self.root, capture_output=True, text=True, timeout=120, check=True
            )
        finally:
            script.unlink()
        return done.stdout

    def run_cron(self) -> None:
        """Run what WP-Cron has due now, as a visit to the site would start it."""
        with urllib.request.urlopen(self.url + "/wp-cron.php", timeout=120) as response:
            response.read()

    # -- the parts -----------------------------------------------------------------------------

    def _start_database(self, timeout: float) -> None:
        data = self.folder / "mysql"
        user = ["--user=root"] if os.geteuid() == 0 else []
        install = ["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--skip-test-db", *user]
        subprocess.run(
            [*install, "--auth-root-authentication-method=socket"], check=True, capture_output=True
        )
        server = ["mariadbd", "--no-defaults", f"--datadir={data}", f"--socket={self.socket}", *user]
        files = [f"--pid-file={self.folder / 'mysql.pid'}", f"--log-error={self.folder / 'mysql.log'}"]
        self.processes.append(
            subprocess.Popen(
                [*server, *files, "--skip-networking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        self._wait(self.socket.exists, timeout, "MariaDB did not start (see mysql.log)")
        sql = (
            "CREATE DATABASE wordpress; CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp'; "
            "GRANT ALL ON wordpress.* TO 'wp'@'localhost';"
        )
        self._wait(
            lambda: (
                subprocess.run(
                    ["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-e", sql],
                    capture_output=True,
                ).returncode
                == 0
            ),
            timeout,
            "MariaDB did not accept the site's database",
        )

    def _copy_tree(self) -> None:
        shutil.copytree(
            WORDPRESS,
            self.root,
            symlinks=True,
            ignore=shutil.ignore_patterns("languages", "akismet", "wp-config.php", ".htaccess"),
        )
        shutil.copytree(self.plugin, self.root / "wp-content" / "plugins" / self.plugin.name)
        salts = "\n".join(
            f"define( '{name}', '{os.urandom(16).hex()}' );"
            for kind in ("AUTH", "SECURE_AUTH", "LOGGED_IN", "NONCE")
            for name in (f"{kind}_KEY", f"{kind}_SALT")
        )
        (self.root / "wp-config.php").write_text(
            CONFIG.format(socket=self.socket, url=self.url, folder=self.folder, salts=salts)
        )

    def _install(self) -> None:
        settings = self.folder / "listen-settings.json"
        settings.write_text(json.dumps(self.settings))
        script = self.root / "listen-test-install.php"
        script.write_text(INSTALL.format(admin=ADMIN, password=PASSWORD))
        done = subprocess.run(
            ["php", str(script), str(settings)], cwd=self.root, capture_output=True, text=True, timeout=300
        )
        script.unlink()
        if done.returncode != 0:
            raise RuntimeError(f"installing WordPress failed: {done.stderr or done.stdout}")
        self.app_password = json.loads(done.stdout.strip().splitlines()[-1])["app_password"]

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    @staticmethod
    def _wait(ready: Any, timeout: float, failure: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.2)
        raise RuntimeError(failure)
