<?php
/**
 * The settings page (Settings > Listen) and the one place the options are read.
 *
 * @package Listen
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The plugin's options, kept in one WordPress option (listen_settings).
 */
class Listen_Settings {

	const OPTION = 'listen_settings';

	/**
	 * What each setting is when nothing was saved.
	 */
	const DEFAULTS = array(
		'server_url'     => '',
		'secret_key'     => '',
		'public_key'     => '',
		'webhook_secret' => '',
		'voice'          => '',
		'rate'           => '',
		'layout'         => 'bar',
		'post_types'     => array( 'post' ),
		'exclude_class'  => '',
	);

	/**
	 * Hook the page and the option into WordPress.
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_page' ) );
		add_action( 'admin_init', array( __CLASS__, 'add_setting' ) );
	}

	/**
	 * All settings, with defaults for those never saved.
	 *
	 * @return array
	 */
	public static function all() {
		$saved = get_option( self::OPTION, array() );
		return array_merge( self::DEFAULTS, is_array( $saved ) ? $saved : array() );
	}

	/**
	 * One setting.
	 *
	 * @param string $name The setting's name.
	 * @return mixed
	 */
	public static function get( $name ) {
		$all = self::all();
		return $all[ $name ];
	}

	/**
	 * Whether the server's address and the secret key are set: nothing is sent before.
	 *
	 * @return bool
	 */
	public static function configured() {
		return '' !== self::get( 'server_url' ) && '' !== self::get( 'secret_key' );
	}

	/**
	 * Register the option and how a saved form is cleaned.
	 */
	public static function add_setting() {
		register_setting(
			'listen',
			self::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( __CLASS__, 'sanitize' ),
				'default'           => self::DEFAULTS,
			)
		);
	}

	/**
	 * Clean what the settings form sent.
	 *
	 * @param mixed $input The form's fields.
	 * @return array
	 */
	public static function sanitize( $input ) {
		$input = is_array( $input ) ? $input : array();
		$clean = self::DEFAULTS;
		$clean['server_url'] = untrailingslashit( esc_url_raw( trim( (string) ( $input['server_url'] ?? '' ) ) ) );
		foreach ( array( 'secret_key', 'public_key', 'webhook_secret', 'voice' ) as $name ) {
			$clean[ $name ] = sanitize_text_field( (string) ( $input[ $name ] ?? '' ) );
		}
		$rate           = absint( $input['rate'] ?? 0 );
		$clean['rate']  = $rate > 0 ? (string) $rate : '';
		$clean['layout'] = ( 'compact' === ( $input['layout'] ?? '' ) ) ? 'compact' : 'bar';
		$types               = isset( $input['post_types'] ) && is_array( $input['post_types'] ) ? $input['post_types'] : array();
		$clean['post_types'] = array_values( array_filter( array_map( 'sanitize_key', $types ), 'post_type_exists' ) );
		// Class names only (no dots, no spaces inside one): "caption, ad-box" or ".caption .ad-box".
		$classes                = preg_split( '/[\s,]+/', str_replace( '.', ' ', (string) ( $input['exclude_class'] ?? '' ) ) );
		$clean['exclude_class'] = implode( ' ', array_filter( array_map( 'sanitize_html_class', $classes ) ) );
		return $clean;
	}

	/**
	 * Add Settings > Listen.
	 */
	public static function add_page() {
		add_options_page( 'Listen', 'Listen', 'manage_options', 'listen', array( __CLASS__, 'render_page' ) );
	}

	/**
	 * The settings form.
	 */
	public static function render_page() {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$s    = self::all();
		$name = self::OPTION;
		?>
		<div class="wrap">
			<h1>Listen</h1>
			<p>Published posts are sent to your listen server and read aloud; the player appears at the top of each post once its audio is ready.</p>
			<form method="post" action="options.php">
				<?php settings_fields( 'listen' ); ?>
				<table class="form-table" role="presentation">
					<tr><th scope="row"><label for="listen-server-url">Server URL</label></th>
						<td><input type="url" class="regular-text" id="listen-server-url" name="<?php echo esc_attr( $name ); ?>[server_url]" value="<?php echo esc_attr( $s['server_url'] ); ?>" placeholder="https://listen.example.com">
						<p class="description">Your listen server's address.</p></td></tr>
					<tr><th scope="row"><label for="listen-secret-key">Secret key</label></th>
						<td><input type="password" class="regular-text" id="listen-secret-key" name="<?php echo esc_attr( $name ); ?>[secret_key]" value="<?php echo esc_attr( $s['secret_key'] ); ?>" autocomplete="off">
						<p class="description">An API key of the server (LISTEN_API_KEYS) without an origin: it stays on this server, never in a page.</p></td></tr>
					<tr><th scope="row"><label for="listen-public-key">Public key for the player</label></th>
						<td><input type="text" class="regular-text" id="listen-public-key" name="<?php echo esc_attr( $name ); ?>[public_key]" value="<?php echo esc_attr( $s['public_key'] ); ?>">
						<p class="description">Optional: a key bound to this site's origin, given to the player in the page.</p></td></tr>
					<tr><th scope="row"><label for="listen-webhook-secret">Webhook secret</label></th>
						<td><input type="password" class="regular-text" id="listen-webhook-secret" name="<?php echo esc_attr( $name ); ?>[webhook_secret]" value="<?php echo esc_attr( $s['webhook_secret'] ); ?>" autocomplete="off">
						<p class="description">The server's LISTEN_WEBHOOK_SECRET, to trust its "audio ready" calls to <code><?php echo esc_html( rest_url( 'listen/v1/webhook' ) ); ?></code>. Without it, the plugin asks the server every minute instead.</p></td></tr>
					<tr><th scope="row"><label for="listen-voice">Default voice</label></th>
						<td><input type="text" class="regular-text" id="listen-voice" name="<?php echo esc_attr( $name ); ?>[voice]" value="<?php echo esc_attr( $s['voice'] ); ?>" placeholder="en-gb">
						<p class="description">A voice id from the server's /api/v1/voices, or empty for the server's choice.</p></td></tr>
					<tr><th scope="row"><label for="listen-rate">Rate</label></th>
						<td><input type="number" min="80" max="450" id="listen-rate" name="<?php echo esc_attr( $name ); ?>[rate]" value="<?php echo esc_attr( $s['rate'] ); ?>"> words a minute
						<p class="description">Empty for the server's default.</p></td></tr>
					<tr><th scope="row">Player layout</th>
						<td><label><input type="radio" name="<?php echo esc_attr( $name ); ?>[layout]" value="bar" <?php checked( $s['layout'], 'bar' ); ?>> Bar</label>
						<label><input type="radio" name="<?php echo esc_attr( $name ); ?>[layout]" value="compact" <?php checked( $s['layout'], 'compact' ); ?>> Compact</label></td></tr>
					<tr><th scope="row">Post types</th>
						<td><?php foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) : if ( 'attachment' === $type->name ) { continue; } ?>
							<label><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[post_types][]" value="<?php echo esc_attr( $type->name ); ?>" <?php checked( in_array( $type->name, (array) $s['post_types'], true ) ); ?>> <?php echo esc_html( $type->labels->name ); ?></label><br>
						<?php endforeach; ?></td></tr>
					<tr><th scope="row"><label for="listen-exclude">Not read</label></th>
						<td><input type="text" class="regular-text" id="listen-exclude" name="<?php echo esc_attr( $name ); ?>[exclude_class]" value="<?php echo esc_attr( $s['exclude_class'] ); ?>" placeholder="caption ad-box">
						<p class="description">Class names (space separated) of elements left out of the audio. Elements with a <code>data-listen-skip</code> attribute are always left out.</p></td></tr>
				</table>
				<?php submit_button(); ?>
			</form>
		</div>
		<?php
	}
}
