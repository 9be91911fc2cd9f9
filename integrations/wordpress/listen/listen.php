<?php
/**
 * Plugin Name:       Listen
 * Description:       Reads your posts aloud with your own listen server: audio appears when a post is published, follows its edits, and is withdrawn when it is unpublished.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.0
 * Author:            The listen authors
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       listen
 *
 * @package Listen
 */

// The plugin's parts, one file each in includes/: the settings page, the client of our API, the
// page sent for a post, what happens on publish and unpublish, learning when audio is ready, the
// player (filter, shortcode and block), the posts list's Audio column and the edit screen's link
// to listen's editor.

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'LISTEN_PLUGIN_FILE', __FILE__ );

require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/client.php';
require_once __DIR__ . '/includes/content.php';
require_once __DIR__ . '/includes/publisher.php';
require_once __DIR__ . '/includes/readiness.php';
require_once __DIR__ . '/includes/player.php';
require_once __DIR__ . '/includes/admin-column.php';
require_once __DIR__ . '/includes/editor-link.php';

Listen_Settings::register();
Listen_Publisher::register();
Listen_Readiness::register();
Listen_Player::register();
Listen_Admin_Column::register();
Listen_Editor_Link::register();
