<?php
/**
 * The player: our widget (bar or compact) at the top of a post whose audio is ready, or where
 * the [listen] shortcode or the Listen block puts it. Nothing while the audio is not ready.
 *
 * @package Listen
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The content filter, the shortcode and the block.
 */
class Listen_Player {

	/**
	 * Hook into WordPress.
	 */
	public static function register() {
		add_filter( 'the_content', array( __CLASS__, 'prepend' ), 20 );
		add_shortcode( 'listen', array( __CLASS__, 'shortcode' ) );
		add_action( 'init', array( __CLASS__, 'register_block' ) );
	}

	/**
	 * The block "listen/player": rendered on the server; its editor script needs no build step.
	 */
	public static function register_block() {
		wp_register_script(
			'listen-player-block',
			plugins_url( 'blocks/player.js', LISTEN_PLUGIN_FILE ),
			array( 'wp-blocks', 'wp-element' ),
			'0.1.0',
			true
		);
		register_block_type(
			'listen/player',
			array(
				'editor_script'   => 'listen-player-block',
				'render_callback' => array( __CLASS__, 'block' ),
				'attributes'      => array( 'layout' => array( 'type' => 'string', 'default' => '' ) ),
			)
		);
	}

	/**
	 * The player's HTML for a post, or '' when its audio is not ready.
	 *
	 * @param int    $post_id The post's id.
	 * @param string $layout  "bar" or "compact"; '' for the settings' layout.
	 * @return string
	 */
	public static function html( $post_id, $layout = '' ) {
		$post = get_post( $post_id );
		$id   = $post ? get_post_meta( $post->ID, '_listen_ready_id', true ) : '';
		if ( ! $id || 'publish' !== $post->post_status || ! Listen_Publisher::wanted( $post ) || '' === Listen_Settings::get( 'server_url' ) ) {
			return '';
		}
		$layout = in_array( $layout, array( 'bar', 'compact' ), true ) ? $layout : Listen_Settings::get( 'layout' );
		$key    = Listen_Settings::get( 'public_key' );
		// The widget is a script tag: it puts the player (an iframe of our embed) right after itself.
		return sprintf(
			'<div class="listen-player" data-listen-skip><script src="%s" data-article-id="%s" data-layout="%s"%s async></script></div>',
			esc_url( Listen_Settings::get( 'server_url' ) . '/widget.js' ),
			esc_attr( $id ),
			esc_attr( $layout ),
			'' !== $key ? ' data-key="' . esc_attr( $key ) . '"' : ''
		);
	}

	/**
	 * the_content: the player at the top of a single post, unless the post places it itself.
	 *
	 * @param string $content The post's content.
	 * @return string
	 */
	public static function prepend( $content ) {
		if ( Listen_Content::$building || ! is_singular() || ! in_the_loop() ) {
			return $content;
		}
		$post = get_post();
		if ( ! $post || has_shortcode( $post->post_content, 'listen' ) || has_block( 'listen/player', $post ) ) {
			return $content;
		}
		return self::html( $post->ID ) . $content;
	}

	/**
	 * [listen] or [listen layout="compact"].
	 *
	 * @param array|string $atts Shortcode attributes.
	 * @return string
	 */
	public static function shortcode( $atts ) {
		$atts = shortcode_atts( array( 'layout' => '' ), $atts, 'listen' );
		return Listen_Content::$building ? '' : self::html( get_the_ID(), $atts['layout'] );
	}

	/**
	 * The block's server rendering.
	 *
	 * @param array $attributes The block's attributes.
	 * @return string
	 */
	public static function block( $attributes ) {
		return Listen_Content::$building ? '' : self::html( get_the_ID(), $attributes['layout'] ?? '' );
	}
}
