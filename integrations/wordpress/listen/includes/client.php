<?php
/**
 * The client of the listen server's API: create an article, read its status, link to its editor, withdraw it.
 *
 * @package Listen
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Calls to /api/v1 with the secret key, which never leaves this server.
 */
class Listen_Client {

	/**
	 * POST /api/v1/articles with the post's HTML and its permalink as the stable source.
	 *
	 * @param string $html   The post's page, as the plugin builds it.
	 * @param string $source The post's permanent address.
	 * @return array|WP_Error The server's answer (id, status, source_id, ...).
	 */
	public static function create( $html, $source ) {
		$body = array(
			'html'   => $html,
			'source' => $source,
		);
		if ( '' !== Listen_Settings::get( 'voice' ) ) {
			$body['voice'] = Listen_Settings::get( 'voice' );
		}
		if ( '' !== Listen_Settings::get( 'rate' ) ) {
			$body['rate'] = (int) Listen_Settings::get( 'rate' );
		}
		return self::call( 'POST', '/api/v1/articles', $body );
	}

	/**
	 * GET /api/v1/articles/<id>: its status ("rendering", "ready" or "failed") and its final id.
	 *
	 * @param string $id An article's id.
	 * @return array|WP_Error
	 */
	public static function show( $id ) {
		return self::call( 'GET', '/api/v1/articles/' . rawurlencode( $id ) );
	}

	/**
	 * POST /api/v1/articles/<id>/edit-link: a signed link to listen's editor for the article, for a day.
	 *
	 * @param string $id An article's id.
	 * @return array|WP_Error The server's answer (edit_url, expires_at, expires_in).
	 */
	public static function edit_link( $id ) {
		return self::call( 'POST', '/api/v1/articles/' . rawurlencode( $id ) . '/edit-link', array( 'expires_in' => DAY_IN_SECONDS ) );
	}

	/**
	 * DELETE /api/v1/articles/<id>: stop its render and withdraw it (410 Gone from then on).
	 *
	 * @param string $id An article's id.
	 * @return array|WP_Error
	 */
	public static function withdraw( $id ) {
		return self::call( 'DELETE', '/api/v1/articles/' . rawurlencode( $id ) );
	}

	/**
	 * One JSON call; a WP_Error carries the server's own message (it says what to do).
	 *
	 * @param string     $method HTTP method.
	 * @param string     $path   Path under the server's URL.
	 * @param array|null $body   JSON body, if any.
	 * @return array|WP_Error
	 */
	private static function call( $method, $path, $body = null ) {
		$args = array(
			'method'  => $method,
			'timeout' => 30,
			'headers' => array(
				'X-API-Key' => Listen_Settings::get( 'secret_key' ),
				'Accept'    => 'application/json',
			),
		);
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $body );
		}
		$response = wp_remote_request( Listen_Settings::get( 'server_url' ) . $path, $args );
		if ( is_wp_error( $response ) ) {
			return $response;
		}
		$code = wp_remote_retrieve_response_code( $response );
		$data = json_decode( wp_remote_retrieve_body( $response ), true );
		if ( $code >= 400 ) {
			$message = is_array( $data ) && isset( $data['error'] ) ? $data['error'] : "HTTP $code";
			if ( is_array( $message ) ) {
				$message = $message['message'] ?? wp_json_encode( $message );
			}
			return new WP_Error( 'listen_http_' . $code, (string) $message, array( 'status' => $code ) );
		}
		return is_array( $data ) ? $data : array();
	}
}
