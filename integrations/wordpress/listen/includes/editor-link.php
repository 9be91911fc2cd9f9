<?php
/**
 * A "Listen" box on a post's edit screen: its audio's state, and a "Fix pronunciation" link that
 * opens listen's editor for what is said (how words are said, sentences skipped, pauses).
 *
 * The editor is reached through a signed link that expires (POST /api/v1/articles/<id>/edit-link
 * with the secret key): the box links to this site, which asks for a fresh link only when the
 * link is followed, so the edit screen never waits for our server and no link goes stale in it.
 *
 * @package Listen
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The meta box and the redirect to listen's editor.
 */
class Listen_Editor_Link {

	const ACTION = 'listen_edit';

	/**
	 * Hook into WordPress.
	 */
	public static function register() {
		add_action( 'add_meta_boxes', array( __CLASS__, 'add_box' ) );
		add_action( 'admin_post_' . self::ACTION, array( __CLASS__, 'open' ) );
	}

	/**
	 * The box, beside each post of a type that gets audio.
	 */
	public static function add_box() {
		foreach ( (array) Listen_Settings::get( 'post_types' ) as $type ) {
			add_meta_box( 'listen', 'Listen', array( __CLASS__, 'render_box' ), $type, 'side' );
		}
	}

	/**
	 * The article of the post that listen's editor opens: the audio the post plays, else its newest.
	 *
	 * @param int $post_id The post's id.
	 * @return string
	 */
	public static function article_id( $post_id ) {
		return (string) ( get_post_meta( $post_id, '_listen_ready_id', true ) ?: get_post_meta( $post_id, '_listen_article_id', true ) );
	}

	/**
	 * What the box says.
	 *
	 * @param WP_Post $post The post being edited.
	 */
	public static function render_box( $post ) {
		if ( ! Listen_Settings::configured() ) {
			echo '<p>Give your listen server in Settings &gt; Listen.</p>';
			return;
		}
		if ( '' === self::article_id( $post->ID ) ) {
			echo '<p>The audio is made when the post is published.</p>';
			return;
		}
		$url = wp_nonce_url( admin_url( 'admin-post.php?action=' . self::ACTION . '&post=' . $post->ID ), self::ACTION . '_' . $post->ID );
		printf(
			'<p><a id="listen-edit-link" href="%s" target="_blank" rel="noopener">Fix pronunciation</a></p>',
			esc_url( $url )
		);
		echo '<p class="description">Change how a word is said, skip a sentence or add a pause, in listen\'s editor. Once saved, the post plays the edited audio when it is ready, and its later updates keep the edits; word rules apply to every post\'s audio from its next update.</p>';
	}

	/**
	 * admin-post.php?action=listen_edit&post=ID: ask the server for a fresh edit link and go there.
	 */
	public static function open() {
		$post_id = isset( $_GET['post'] ) ? absint( $_GET['post'] ) : 0;
		check_admin_referer( self::ACTION . '_' . $post_id );
		if ( ! $post_id || ! current_user_can( 'edit_post', $post_id ) ) {
			wp_die( 'You may not edit this post.', 'Listen', array( 'response' => 403 ) );
		}
		$id = self::article_id( $post_id );
		if ( '' === $id ) {
			wp_die( 'This post has no audio yet: publish it first.', 'Listen', array( 'response' => 404, 'back_link' => true ) );
		}
		$answer = Listen_Client::edit_link( $id );
		if ( is_wp_error( $answer ) || empty( $answer['edit_url'] ) ) {
			$why = is_wp_error( $answer ) ? $answer->get_error_message() : 'The server gave no edit link.';
			wp_die( esc_html( 'listen could not open its editor: ' . $why ), 'Listen', array( 'response' => 502, 'back_link' => true ) );
		}
		// Our own server, not this site: wp_safe_redirect would refuse it.
		wp_redirect( $answer['edit_url'] ); // phpcs:ignore WordPress.Security.SafeRedirect.wp_redirect_wp_redirect
		exit;
	}
}
