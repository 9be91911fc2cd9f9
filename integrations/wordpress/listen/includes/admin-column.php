<?php
/**
 * An "Audio" column in the posts list: ready (with a link to its page), being made, or why not.
 *
 * @package Listen
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The posts list's Audio column, for each post type that gets audio.
 */
class Listen_Admin_Column {

	/**
	 * Hook into WordPress.
	 */
	public static function register() {
		add_action( 'admin_init', array( __CLASS__, 'add_columns' ) );
	}

	/**
	 * Add the column to each chosen post type's list.
	 */
	public static function add_columns() {
		foreach ( (array) Listen_Settings::get( 'post_types' ) as $type ) {
			add_filter( "manage_{$type}_posts_columns", array( __CLASS__, 'columns' ) );
			add_action( "manage_{$type}_posts_custom_column", array( __CLASS__, 'cell' ), 10, 2 );
		}
	}

	/**
	 * The columns, with Audio added.
	 *
	 * @param array $columns The list's columns.
	 * @return array
	 */
	public static function columns( $columns ) {
		$columns['listen_audio'] = 'Audio';
		return $columns;
	}

	/**
	 * One post's Audio cell.
	 *
	 * @param string $column  The column's name.
	 * @param int    $post_id The post's id.
	 */
	public static function cell( $column, $post_id ) {
		if ( 'listen_audio' !== $column ) {
			return;
		}
		$error = get_post_meta( $post_id, '_listen_error', true );
		$ready = get_post_meta( $post_id, '_listen_ready_id', true );
		if ( $error ) {
			echo '<span class="listen-error">' . esc_html( $error ) . '</span>';
		} elseif ( get_post_meta( $post_id, '_listen_waiting', true ) ) {
			echo esc_html( $ready ? 'Updating' : 'Being made' );
		} elseif ( $ready ) {
			printf( '<a href="%s">Ready</a>', esc_url( Listen_Settings::get( 'server_url' ) . '/a/' . rawurlencode( $ready ) ) );
		} else {
			echo '—';
		}
	}
}
