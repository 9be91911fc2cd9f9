<?php
/**
 * What happens to a post's audio as the post changes: published or updated, it is sent (in the
 * background, by WP-Cron); unpublished, trashed or deleted, its audio is withdrawn.
 *
 * Post meta kept per post:
 *   _listen_article_id  the id the server gave the newest version sent
 *   _listen_ready_id    the id of the newest version whose audio is ready (what the player plays)
 *   _listen_ids         every id sent for the post, to withdraw them all
 *   _listen_error       why the last send or render failed
 *   _listen_send_tries  how many sends in a row found the server unreachable or failing
 *
 * @package Listen
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Publish, update and unpublish hooks.
 */
class Listen_Publisher {

	const SEND     = 'listen_send_post';
	const WITHDRAW = 'listen_withdraw_ids';

	/**
	 * Hook into WordPress.
	 */
	public static function register() {
		add_action( 'transition_post_status', array( __CLASS__, 'on_transition' ), 10, 3 );
		add_action( 'before_delete_post', array( __CLASS__, 'on_delete' ) );
		add_action( self::SEND, array( __CLASS__, 'send' ) );
		add_action( self::WITHDRAW, array( __CLASS__, 'withdraw_ids' ) );
	}

	/**
	 * Whether a post's type gets audio.
	 *
	 * @param WP_Post $post The post.
	 * @return bool
	 */
	public static function wanted( $post ) {
		return $post && in_array( $post->post_type, (array) Listen_Settings::get( 'post_types' ), true );
	}

	/**
	 * On every status change: published (or updated while published) sends; leaving "publish" withdraws.
	 *
	 * Drafts, pending and scheduled posts are never sent. Nothing blocks the editor's save:
	 * the call to our server runs in WP-Cron.
	 *
	 * @param string  $new_status The new status.
	 * @param string  $old_status The old status.
	 * @param WP_Post $post       The post.
	 */
	public static function on_transition( $new_status, $old_status, $post ) {
		if ( ! self::wanted( $post ) || ! Listen_Settings::configured() || wp_is_post_revision( $post ) ) {
			return;
		}
		if ( 'publish' === $new_status ) {
			// One pending send per post: it reads the post when it runs, so the latest edit is sent.
			if ( ! wp_next_scheduled( self::SEND, array( $post->ID ) ) ) {
				wp_schedule_single_event( time(), self::SEND, array( $post->ID ) );
			}
		} elseif ( 'publish' === $old_status ) {
			self::schedule_withdrawal( $post->ID );
		}
	}

	/**
	 * A post deleted for good: withdraw its audio (a published post deleted without the trash).
	 *
	 * @param int $post_id The post's id.
	 */
	public static function on_delete( $post_id ) {
		self::schedule_withdrawal( $post_id );
	}

	/**
	 * Forget the post's audio now (the player goes) and withdraw it from the server in the background.
	 *
	 * @param int $post_id The post's id.
	 */
	private static function schedule_withdrawal( $post_id ) {
		$ids = array_values( array_unique( array_filter( array_merge(
			(array) get_post_meta( $post_id, '_listen_ids', true ),
			array( get_post_meta( $post_id, '_listen_article_id', true ), get_post_meta( $post_id, '_listen_ready_id', true ) )
		) ) ) );
		foreach ( array( '_listen_ids', '_listen_article_id', '_listen_ready_id', '_listen_error' ) as $key ) {
			delete_post_meta( $post_id, $key );
		}
		wp_clear_scheduled_hook( self::SEND, array( $post_id ) );
		if ( $ids ) {
			wp_schedule_single_event( time(), self::WITHDRAW, array( $ids ) );
		}
	}

	/**
	 * WP-Cron: send a published post's page to the server.
	 *
	 * @param int $post_id The post's id.
	 */
	public static function send( $post_id ) {
		$post = get_post( $post_id );
		if ( ! $post || 'publish' !== $post->post_status || ! self::wanted( $post ) || ! Listen_Settings::configured() ) {
			return;
		}
		$answer = Listen_Client::create( Listen_Content::page( $post ), Listen_Content::source( $post ) );
		if ( is_wp_error( $answer ) ) {
			update_post_meta( $post_id, '_listen_error', $answer->get_error_message() );
			self::retry_later( $post_id, $answer );
			return;
		}
		delete_post_meta( $post_id, '_listen_error' );
		delete_post_meta( $post_id, '_listen_send_tries' );
		$ids   = (array) get_post_meta( $post_id, '_listen_ids', true );
		$ids[] = $answer['id'];
		update_post_meta( $post_id, '_listen_ids', array_values( array_unique( array_filter( $ids ) ) ) );
		update_post_meta( $post_id, '_listen_article_id', $answer['id'] );
		if ( isset( $answer['source_id'] ) ) {
			update_post_meta( $post_id, '_listen_source_id', $answer['source_id'] );
		}
		Listen_Readiness::settle( $post_id, $answer );
	}

	/**
	 * Send again in five minutes when the server was unreachable, busy or failing (up to an hour);
	 * a refusal (a 4xx other than 429, such as a wrong key) waits for the next update.
	 *
	 * @param int      $post_id The post's id.
	 * @param WP_Error $error   Why the send failed.
	 */
	private static function retry_later( $post_id, $error ) {
		$data   = $error->get_error_data();
		$status = is_array( $data ) && isset( $data['status'] ) ? (int) $data['status'] : 0;
		$tries  = (int) get_post_meta( $post_id, '_listen_send_tries', true ) + 1;
		if ( ( $status >= 400 && $status < 500 && 429 !== $status ) || $tries > 12 ) {
			delete_post_meta( $post_id, '_listen_send_tries' );
			return;
		}
		update_post_meta( $post_id, '_listen_send_tries', $tries );
		wp_schedule_single_event( time() + 5 * MINUTE_IN_SECONDS, self::SEND, array( $post_id ) );
	}

	/**
	 * WP-Cron: withdraw these articles from the server (each answers 410 Gone from then on).
	 *
	 * @param array $ids Article ids.
	 */
	public static function withdraw_ids( $ids ) {
		foreach ( (array) $ids as $id ) {
			Listen_Client::withdraw( $id );
		}
	}
}
