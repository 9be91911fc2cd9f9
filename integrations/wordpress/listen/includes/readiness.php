<?php
/**
 * Learning when a post's audio is ready: from the server's signed webhook, or by asking it
 * (WP-Cron, every minute while the audio renders); and switching a post to the version an edit
 * in listen's editor made (the webhook's article.replaced).
 *
 * @package Listen
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The webhook receiver and the poll.
 */
class Listen_Readiness {

	const CHECK = 'listen_check_post';

	// How long a render is waited for before the plugin stops asking (minutes, one ask a minute).
	const MAX_CHECKS = 180;

	/**
	 * Hook into WordPress.
	 */
	public static function register() {
		add_action( self::CHECK, array( __CLASS__, 'check' ) );
		add_action( 'rest_api_init', array( __CLASS__, 'add_route' ) );
	}

	/**
	 * POST <site>/wp-json/listen/v1/webhook: where the server says an article is ready or failed.
	 */
	public static function add_route() {
		register_rest_route(
			'listen/v1',
			'/webhook',
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'receive' ),
				// Anyone may call it; only a body signed with the webhook secret is acted on.
				'permission_callback' => '__return_true',
			)
		);
	}

	/**
	 * Whether a body carries the server's signature: X-Listen-Signature is sha256=<HMAC-SHA256 of the body>.
	 *
	 * @param string $body      The raw body.
	 * @param string $signature The header's value.
	 * @param string $secret    The webhook secret.
	 * @return bool
	 */
	public static function signed( $body, $signature, $secret ) {
		if ( '' === $secret || ! is_string( $signature ) ) {
			return false;
		}
		return hash_equals( 'sha256=' . hash_hmac( 'sha256', $body, $secret ), trim( $signature ) );
	}

	/**
	 * Act on a signed webhook: the posts waiting for that article are checked now.
	 *
	 * The event names the rendition; a post knows the id its send was answered with (which may
	 * be the request's), so each waiting post asks the server rather than trust a match of ids.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response
	 */
	public static function receive( $request ) {
		$body = $request->get_body();
		if ( ! self::signed( $body, (string) $request->get_header( 'x_listen_signature' ), Listen_Settings::get( 'webhook_secret' ) ) ) {
			return new WP_REST_Response( array( 'error' => 'The signature does not match: set the same webhook secret here and on the server (LISTEN_WEBHOOK_SECRET).' ), 401 );
		}
		$event    = json_decode( $body, true );
		$replaced = 0;
		if ( is_array( $event ) && 'article.replaced' === ( $event['event'] ?? '' ) ) {
			$replaced = self::replace( (string) ( $event['previous_id'] ?? '' ), (string) ( $event['id'] ?? '' ) );
		}
		$checked = 0;
		foreach ( self::waiting_posts() as $post_id ) {
			self::check( $post_id );
			++$checked;
		}
		return new WP_REST_Response( array( 'checked' => $checked, 'replaced' => $replaced ), 200 );
	}

	/**
	 * An edit saved in listen's editor made a new version of an article: the posts playing the
	 * old one play the new one (asked of the server, like any version sent).
	 *
	 * A post already waiting for a newer version of its own (updated since) keeps waiting for
	 * it: that version is read with the editor's skips and pauses, which the server keeps.
	 *
	 * @param string $previous The article the edit was made from.
	 * @param string $id       The edited version.
	 * @return int How many posts switched.
	 */
	private static function replace( $previous, $id ) {
		if ( ! preg_match( '/^[0-9a-f]{64}$/', $previous ) || ! preg_match( '/^[0-9a-f]{64}$/', $id ) ) {
			return 0;
		}
		$posts    = get_posts(
			array(
				'post_type'      => 'any',
				'post_status'    => 'publish',
				'fields'         => 'ids',
				'posts_per_page' => 50,
				'meta_query'     => array( // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query
					'relation' => 'OR',
					array(
						'key'   => '_listen_ready_id',
						'value' => $previous,
					),
					array(
						'key'   => '_listen_article_id',
						'value' => $previous,
					),
				),
			)
		);
		$switched = 0;
		foreach ( $posts as $post_id ) {
			$newest = get_post_meta( $post_id, '_listen_article_id', true );
			if ( $newest !== $previous && get_post_meta( $post_id, '_listen_waiting', true ) ) {
				continue;
			}
			$ids   = (array) get_post_meta( $post_id, '_listen_ids', true );
			$ids[] = $id;
			update_post_meta( $post_id, '_listen_ids', array_values( array_unique( array_filter( $ids ) ) ) );
			update_post_meta( $post_id, '_listen_article_id', $id );
			update_post_meta( $post_id, '_listen_waiting', 1 );
			delete_post_meta( $post_id, '_listen_checks' );
			self::check( $post_id );
			++$switched;
		}
		return $switched;
	}

	/**
	 * Posts whose newest version sent is not yet ready.
	 *
	 * @return int[]
	 */
	private static function waiting_posts() {
		return get_posts(
			array(
				'post_type'      => 'any',
				'post_status'    => 'publish',
				'meta_key'       => '_listen_waiting',
				'fields'         => 'ids',
				'posts_per_page' => 50,
			)
		);
	}

	/**
	 * Record what the server said of the post's newest version: ready, failed, or still rendering.
	 *
	 * @param int   $post_id The post's id.
	 * @param array $answer  The server's description of the article (id, status, error).
	 */
	public static function settle( $post_id, $answer ) {
		$status = $answer['status'] ?? '';
		if ( 'ready' === $status ) {
			update_post_meta( $post_id, '_listen_ready_id', $answer['id'] );
			delete_post_meta( $post_id, '_listen_waiting' );
			delete_post_meta( $post_id, '_listen_checks' );
		} elseif ( in_array( $status, array( 'failed', 'withdrawn' ), true ) ) {
			update_post_meta( $post_id, '_listen_error', $answer['error'] ?? 'The audio could not be made; update the post to try again.' );
			delete_post_meta( $post_id, '_listen_waiting' );
		} else {
			// Still being read or rendered: asked again in a minute, unless the webhook says so first.
			update_post_meta( $post_id, '_listen_waiting', 1 );
			if ( ! wp_next_scheduled( self::CHECK, array( $post_id ) ) ) {
				wp_schedule_single_event( time() + MINUTE_IN_SECONDS, self::CHECK, array( $post_id ) );
			}
		}
	}

	/**
	 * WP-Cron (and the webhook): ask the server whether the post's newest version is ready.
	 *
	 * @param int $post_id The post's id.
	 */
	public static function check( $post_id ) {
		$id = get_post_meta( $post_id, '_listen_article_id', true );
		if ( ! $id || ! get_post_meta( $post_id, '_listen_waiting', true ) ) {
			return;
		}
		$checks = (int) get_post_meta( $post_id, '_listen_checks', true ) + 1;
		update_post_meta( $post_id, '_listen_checks', $checks );
		if ( $checks > self::MAX_CHECKS ) {
			update_post_meta( $post_id, '_listen_error', 'The audio took too long; update the post to try again.' );
			delete_post_meta( $post_id, '_listen_waiting' );
			return;
		}
		$answer = Listen_Client::show( $id );
		if ( is_wp_error( $answer ) ) {
			// Asked again in a minute: the server may be restarting.
			wp_schedule_single_event( time() + MINUTE_IN_SECONDS, self::CHECK, array( $post_id ) );
			return;
		}
		wp_clear_scheduled_hook( self::CHECK, array( $post_id ) );
		self::settle( $post_id, $answer );
	}
}
